// An SVID of another trust domain, signed with the key SPIRE's disk key manager keeps: the key
// the bundle publishes, under its kid, found among the file's others.
#include "spire_signing_keys.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <sstream>

#include "mcph/jose/jwk.h"
#include "mcph/jose/jwt.h"

namespace mcph::harness::scenario {
namespace {

namespace fs = std::filesystem;
using ::testing::AllOf;
using ::testing::HasSubstr;
using ::testing::Not;
using Json = nlohmann::json;

// What Go's x509.MarshalPKCS8PrivateKey writes, as encoding/json writes []byte: base64.
std::string stored(const jose::Key& key) {
  std::string body;
  std::string line;
  std::istringstream pem(key.private_pem());
  while (std::getline(pem, line)) {
    if (line.rfind("-----", 0) != 0) body += line;
  }
  return body;
}

std::string bundle_of(const jose::Key& key, const std::string& kid) {
  Json jwk = Json::parse(jose::Jwk{key.public_only(), kid, std::nullopt, {}}.to_public_json());
  jwk["use"] = "jwt-svid";
  return Json{{"keys", Json::array({jwk})}}.dump();
}

class SpireSigningKeysTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() / ("spire-keys-" + std::to_string(::testing::UnitTest::GetInstance()->random_seed()) +
                                        "-" + ::testing::UnitTest::GetInstance()->current_test_info()->name());
    fs::create_directories(dir_);
  }
  void TearDown() override { fs::remove_all(dir_); }

  fs::path write(const std::string& text) const {
    const fs::path file = dir_ / "keys.json";
    std::ofstream(file) << text;
    return file;
  }

  fs::path dir_;
};

TEST_F(SpireSigningKeysTest, TheBundlesKeySignsUnderItsKid) {
  const jose::Key jwt_key = jose::Key::generate_ec_p256();
  const jose::Key ca_key = jose::Key::generate_ec_p256();
  const fs::path file = write(Json{{"keys", {{"x509-CA-A", stored(ca_key)}, {"JWT-Signer-A", stored(jwt_key)}}}}.dump());

  const std::string svid = svid_signed_with_spire_key(file, bundle_of(jwt_key, "kid-of-spire"),
                                                      "spiffe://attacker.example/agent/a", "http://idp/realms/x", 60);

  jose::VerifyOptions options;
  options.allowed_algs = {jose::Alg::ES256};
  options.audience = "http://idp/realms/x";
  const jose::VerifiedJwt verified =
      jose::verify_jwt(svid, jose::JwkSet({jose::Jwk{jwt_key.public_only(), "kid-of-spire", std::nullopt, {}}}), options);
  EXPECT_EQ(verified.kid, "kid-of-spire");
  EXPECT_EQ(verified.typ, "JWT");
  EXPECT_EQ(verified.sub, "spiffe://attacker.example/agent/a");
  EXPECT_EQ(verified.aud, std::vector<std::string>{"http://idp/realms/x"});
  ASSERT_TRUE(verified.exp && verified.iat);
  EXPECT_EQ(*verified.exp - *verified.iat, 60);
}

TEST_F(SpireSigningKeysTest, AFileWithoutTheBundlesKeyIsAnErrorThatShowsNoKey) {
  const jose::Key other = jose::Key::generate_ec_p256();
  const fs::path file = write(Json{{"keys", {{"JWT-Signer-A", stored(other)}, {"broken", "not base64!"}}}}.dump());
  try {
    (void)svid_signed_with_spire_key(file, bundle_of(jose::Key::generate_ec_p256(), "k"), "spiffe://a.example/x", "aud", 60);
    FAIL() << "signed with a key the bundle does not list";
  } catch (const std::runtime_error& e) {
    EXPECT_THAT(e.what(), AllOf(HasSubstr("holds no private key of the trust domain's JWT bundle (1 keys)"),
                                Not(HasSubstr(stored(other).substr(0, 40)))));
  }
}

TEST_F(SpireSigningKeysTest, AFileThatIsNotTheKeyManagersIsNamed) {
  const std::string bundle = bundle_of(jose::Key::generate_ec_p256(), "k");
  EXPECT_THROW(
      {
        try {
          (void)svid_signed_with_spire_key(dir_ / "absent.json", bundle, "spiffe://a.example/x", "aud", 60);
        } catch (const std::runtime_error& e) {
          EXPECT_THAT(e.what(), HasSubstr("cannot read SPIRE's signing keys"));
          throw;
        }
      },
      std::runtime_error);
  for (const char* text : {"[]", "{\"keys\": []}", "not json"}) {
    try {
      (void)svid_signed_with_spire_key(write(text), bundle, "spiffe://a.example/x", "aud", 60);
      ADD_FAILURE() << text;
    } catch (const std::runtime_error& e) {
      EXPECT_THAT(e.what(), HasSubstr("is not SPIRE's disk key manager's file")) << text;
    }
  }
}

}  // namespace
}  // namespace mcph::harness::scenario
