// Key generation, PEM load and save, public halves and thumbprints.
#include "mcph/jose/key.h"

#include <gtest/gtest.h>

#include <sstream>
#include <stdexcept>

#include "mcph/codec/base64.h"
#include "mcph/jose/jwk.h"
#include "mcph/jose/jws.h"
#include "pem_fixtures.h"
#include "test_keys.h"

namespace mcph::jose {
namespace {

using testing::jose_error_kind;

bool signs_and_verifies(const Key& signer, const Key& verifier, Alg alg) {
  const std::string input = "header.payload";
  return verify_bytes(verifier, alg, input, sign_bytes(signer, alg, input));
}

bool starts_with(const std::string& text, std::string_view prefix) {
  return text.compare(0, prefix.size(), prefix) == 0;
}

TEST(Key, GeneratedRsaKeyRoundTripsThroughPem) {
  const Key& key = testing::rsa_key();
  EXPECT_EQ(key.type(), KeyType::rsa);
  EXPECT_TRUE(key.has_private());
  const std::string private_pem = key.private_pem();
  const std::string public_pem = key.public_pem();
  EXPECT_TRUE(starts_with(private_pem, "-----BEGIN PRIVATE KEY-----\n"));  // PKCS#8
  EXPECT_TRUE(starts_with(public_pem, "-----BEGIN PUBLIC KEY-----\n"));

  const Key private_copy = Key::from_pem(private_pem);
  const Key public_copy = Key::from_pem(public_pem);
  EXPECT_TRUE(private_copy.has_private());
  EXPECT_FALSE(public_copy.has_private());
  EXPECT_EQ(private_copy.private_pem(), private_pem);
  EXPECT_EQ(public_copy.public_pem(), public_pem);
  EXPECT_TRUE(signs_and_verifies(private_copy, key, Alg::RS256));
  EXPECT_TRUE(signs_and_verifies(key, public_copy, Alg::RS256));
  EXPECT_FALSE(signs_and_verifies(testing::other_rsa_key(), public_copy, Alg::RS256));
}

TEST(Key, GeneratedEcKeyRoundTripsThroughPem) {
  const Key& key = testing::ec_key();
  EXPECT_EQ(key.type(), KeyType::ec_p256);
  const Key private_copy = Key::from_pem(key.private_pem());
  const Key public_copy = Key::from_pem(key.public_pem());
  EXPECT_TRUE(private_copy.has_private());
  EXPECT_FALSE(public_copy.has_private());
  EXPECT_EQ(private_copy.private_pem(), key.private_pem());
  EXPECT_TRUE(signs_and_verifies(private_copy, public_copy, Alg::ES256));
  EXPECT_FALSE(signs_and_verifies(Key::generate_ec_p256(), public_copy, Alg::ES256));
}

// The DER inside a PKCS#8 PEM block.
std::string pkcs8_der_of(const Key& key) {
  std::string body;
  std::string line;
  std::istringstream pem(key.private_pem());
  while (std::getline(pem, line)) {
    if (!starts_with(line, "-----")) body += line;
  }
  return codec::base64_decode(body).value();
}

TEST(Key, ReadsPkcs8Der) {
  const Key& key = testing::ec_key();
  const Key copy = Key::from_pkcs8_der(pkcs8_der_of(key));
  EXPECT_TRUE(copy.has_private());
  EXPECT_EQ(copy.thumbprint(), key.thumbprint());
  EXPECT_TRUE(signs_and_verifies(copy, key.public_only(), Alg::ES256));
  EXPECT_EQ(Key::from_pkcs8_der(pkcs8_der_of(testing::rsa_key())).type(), KeyType::rsa);
}

TEST(Key, RefusesWhatIsNotPkcs8Der) {
  const std::string der = pkcs8_der_of(testing::ec_key());
  EXPECT_EQ(jose_error_kind([] { (void)Key::from_pkcs8_der(""); }), ErrorKind::malformed);
  EXPECT_EQ(jose_error_kind([&] { (void)Key::from_pkcs8_der(der.substr(0, der.size() - 1)); }), ErrorKind::malformed);
  EXPECT_EQ(jose_error_kind([&] { (void)Key::from_pkcs8_der(der + "x"); }), ErrorKind::malformed);
  EXPECT_EQ(jose_error_kind([] { (void)Key::from_pkcs8_der(testing::ec_key().public_der()); }), ErrorKind::malformed);
}

TEST(Key, ReadsTraditionalEcPrivateKeyAfterEcParameters) {
  const Key key = Key::from_pem(fixtures::kEcTraditionalPem);
  EXPECT_EQ(key.type(), KeyType::ec_p256);
  EXPECT_TRUE(key.has_private());
  EXPECT_TRUE(signs_and_verifies(key, key.public_only(), Alg::ES256));
}

TEST(Key, ReadsPkcs1RsaPrivateKey) {
  const Key key = Key::from_pem(fixtures::kRsaTraditionalPem);
  EXPECT_EQ(key.type(), KeyType::rsa);
  EXPECT_TRUE(key.has_private());
  EXPECT_TRUE(starts_with(key.private_pem(), "-----BEGIN PRIVATE KEY-----\n"));
  EXPECT_TRUE(signs_and_verifies(key, key.public_only(), Alg::RS256));
}

TEST(Key, RefusesEncryptedPemWithoutPrompting) {
  EXPECT_EQ(jose_error_kind([] { Key::from_pem(fixtures::kEncryptedPkcs8Pem); }),
            ErrorKind::malformed);
}

TEST(Key, RefusesShortRsaKey) {
  try {
    Key::from_pem(fixtures::kRsa1024PublicPem);
    FAIL() << "a 1024-bit RSA key was accepted";
  } catch (const JoseError& error) {
    EXPECT_EQ(error.kind(), ErrorKind::malformed);
    EXPECT_NE(std::string(error.what()).find("1024 bits"), std::string::npos) << error.what();
  }
  EXPECT_THROW(Key::generate_rsa(1024), std::invalid_argument);
}

TEST(Key, RefusesUnsupportedKeyTypesAndCurves) {
  EXPECT_EQ(jose_error_kind([] { Key::from_pem(fixtures::kEd25519PublicPem); }),
            ErrorKind::malformed);
  EXPECT_EQ(jose_error_kind([] { Key::from_pem(fixtures::kP384PublicPem); }), ErrorKind::malformed);
}

TEST(Key, RefusesGarbagePem) {
  for (const std::string_view pem : {
           std::string_view(""),
           std::string_view("not a key"),
           std::string_view("-----BEGIN PUBLIC KEY-----\nAAAA\n-----END PUBLIC KEY-----\n"),
           std::string_view("-----BEGIN PRIVATE KEY-----\n!!!!\n-----END PRIVATE KEY-----\n"),
           std::string_view("-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n"),
       }) {
    EXPECT_EQ(jose_error_kind([&] { Key::from_pem(pem); }), ErrorKind::malformed) << pem;
  }
  const std::string pem = testing::ec_key().public_pem();
  const std::string truncated = pem.substr(0, pem.size() / 2);
  EXPECT_EQ(jose_error_kind([&] { Key::from_pem(truncated); }), ErrorKind::malformed);
}

TEST(Key, PublicOnlyDropsThePrivateHalf) {
  const Key public_key = testing::rsa_key().public_only();
  EXPECT_EQ(public_key.type(), KeyType::rsa);
  EXPECT_FALSE(public_key.has_private());
  EXPECT_EQ(public_key.public_pem(), testing::rsa_key().public_pem());
  EXPECT_THROW(public_key.private_pem(), std::logic_error);
  EXPECT_THROW(sign_bytes(public_key, Alg::RS256, "x"), std::invalid_argument);
  EXPECT_FALSE(testing::ec_key().public_only().has_private());
}

TEST(Key, HmacKeyHasNoPemOrPublicHalf) {
  const Key& key = testing::hmac_key();
  EXPECT_EQ(key.type(), KeyType::oct);
  EXPECT_EQ(key.secret(), "0123456789abcdef0123456789abcdef");
  EXPECT_EQ(key.evp(), nullptr);
  EXPECT_THROW(key.private_pem(), std::logic_error);
  EXPECT_THROW(key.public_pem(), std::logic_error);
  EXPECT_THROW(key.public_only(), std::logic_error);
  EXPECT_EQ(jose_error_kind([] { Key::hmac(""); }), ErrorKind::malformed);
}

TEST(Key, ThumbprintIsStableAcrossFormsAndDistinctAcrossKeys) {
  const Key& rsa = testing::rsa_key();
  EXPECT_EQ(rsa.thumbprint().size(), 43u);  // base64url of 32 bytes
  EXPECT_EQ(rsa.thumbprint(), rsa.public_only().thumbprint());
  EXPECT_EQ(rsa.thumbprint(), Key::from_pem(rsa.public_pem()).thumbprint());
  EXPECT_NE(rsa.thumbprint(), testing::other_rsa_key().thumbprint());
  const Key& ec = testing::ec_key();
  EXPECT_EQ(ec.thumbprint(), ec.public_only().thumbprint());
  EXPECT_NE(ec.thumbprint(), Key::generate_ec_p256().thumbprint());
  EXPECT_NE(testing::hmac_key().thumbprint(), Key::hmac("another secret").thumbprint());
}

TEST(Key, KeysAreSharedAcrossCopies) {
  const Key copy = testing::rsa_key();  // NOLINT(performance-unnecessary-copy-initialization)
  EXPECT_EQ(copy.evp(), testing::rsa_key().evp());
}

}  // namespace
}  // namespace mcph::jose
