// The oidc provider's parts that need no provider: its discovery document's checks, the
// identities' file (its owner's alone) and environment, the token command, and the cache that
// renews tokens before they expire, on a clock the test moves.
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <sys/stat.h>

#include <fstream>
#include <map>

#include "../oidc/oidc_discovery.h"
#include "../oidc/oidc_identities.h"
#include "../oidc/token_cache.h"
#include "mcph/harness/idp/token_command.h"
#include "mcph/proc/temp_dir.h"

namespace mcph::harness::idp {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;

std::string error_of(const std::function<void()>& act) {
  try {
    act();
  } catch (const std::runtime_error& e) {
    return e.what();
  }
  return "(no error)";
}

const std::string kIssuer = "https://idp.example/realms/team";

TEST(OidcDiscoveryTest, TakesTheEndpointsOfTheIssuerTheStackFileNames) {
  const OidcDiscovery found = parse_discovery(
      kIssuer, 200, R"({"issuer":")" + kIssuer + R"(","token_endpoint":"https://idp.example/t","jwks_uri":"https://idp.example/k"})");
  EXPECT_EQ(found.token_endpoint, "https://idp.example/t");
  EXPECT_EQ(found.jwks_uri, "https://idp.example/k");
}

TEST(OidcDiscoveryTest, NamesWhatIsWrongWithTheDocument) {
  const std::string where = kIssuer + "/.well-known/openid-configuration";
  EXPECT_THAT(error_of([] { parse_discovery(kIssuer, 404, "{}"); }), HasSubstr(where + " answered HTTP 404"));
  EXPECT_THAT(error_of([] { parse_discovery(kIssuer, 200, "<html>"); }), HasSubstr("is not a JSON object"));
  EXPECT_THAT(error_of([] { parse_discovery(kIssuer, 200, R"({"issuer":")" + kIssuer + R"(","jwks_uri":"k"})"); }),
              HasSubstr("has no token_endpoint"));
  EXPECT_THAT(error_of([] {
                parse_discovery(kIssuer, 200, R"({"issuer":"https://other.example","token_endpoint":"t","jwks_uri":"k"})");
              }),
              HasSubstr("names the issuer https://other.example, not the stack file's " + kIssuer));
  EXPECT_THAT(error_of([] { discover("http://127.0.0.1:1"); }), HasSubstr("does not answer its discovery document"));
}

class IdentitiesFileTest : public ::testing::Test {
 protected:
  std::string write(const std::string& text, mode_t mode = 0600) {
    const std::string path = (dir_.path() / "identities.yaml").string();
    std::ofstream(path) << text;
    ::chmod(path.c_str(), mode);
    return path;
  }
  Environment environment() const {
    return [this](const std::string& name) -> std::optional<std::string> {
      const auto it = env_.find(name);
      return it == env_.end() ? std::nullopt : std::optional(it->second);
    };
  }
  proc::TempDir dir_{"oidc-identities"};
  std::map<std::string, std::string> env_;
};

constexpr const char* kTwoIdentities = R"(identities:
  - {name: alice, kind: user, client_id: mcp-client, grant: password, password: s3cret-alice}
  - name: robot
    kind: agent
    client_id: robot-client
    grant: token_command
    command: [/bin/echo, tok]
)";

TEST_F(IdentitiesFileTest, ReadsEachIdentityOfAPrivateYamlOrJsonFile) {
  const auto identities = load_identities(write(kTwoIdentities), environment());
  ASSERT_EQ(identities.size(), 2u);
  EXPECT_EQ(identities[0].login(), "alice");
  EXPECT_EQ(identities[0].password, "s3cret-alice");
  EXPECT_EQ(identities[1].kind, "agent");
  EXPECT_EQ(identities[1].command, (std::vector<std::string>{"/bin/echo", "tok"}));
  const auto json = load_identities(
      write(R"({"identities":[{"name":"bob","client_id":"c","grant":"client_credentials","client_secret":"x"}]})"), environment());
  EXPECT_EQ(json.at(0).grant, TokenGrant::client_credentials);
}

TEST_F(IdentitiesFileTest, RefusesAFileOthersMayReadWithoutQuotingIt) {
  for (const mode_t mode : {0644, 0640, 0604}) {
    const std::string error = error_of([&] { load_identities(write(kTwoIdentities, mode), environment()); });
    EXPECT_THAT(error, HasSubstr("others may read it")) << std::oct << mode;
    EXPECT_THAT(error, HasSubstr("chmod 600"));
    EXPECT_THAT(error, Not(HasSubstr("s3cret-alice")));
  }
  EXPECT_NO_THROW(load_identities(write(kTwoIdentities, 0400), environment()));
}

TEST_F(IdentitiesFileTest, NamesTheIdentityAndWhatItLacksNeverASecret) {
  EXPECT_THAT(error_of([&] { load_identities(write("identities: [{name: alice, client_id: c, grant: password}]"), environment()); }),
              HasSubstr("identity alice: password missing (in the file, or MCPH_IDENTITY_ALICE_PASSWORD)"));
  EXPECT_THAT(error_of([&] { load_identities(write("identities: [{name: a, client_id: c, grant: magic}]"), environment()); }),
              HasSubstr("grant must be password, client_credentials, refresh_token or token_command"));
  EXPECT_THAT(error_of([&] {
                load_identities(write("identities: [{name: a, client_id: c, grant: password, pasword: s3cret-alice}]"),
                                environment());
              }),
              ::testing::AllOf(HasSubstr("unknown field \"pasword\""), Not(HasSubstr("s3cret-alice"))));
  EXPECT_THAT(error_of([&] { load_identities(write("identities: [{name: a, client_id: c, grant: password, password: \"x"), environment()); }),
              ::testing::AllOf(HasSubstr("neither JSON nor YAML"), Not(HasSubstr("\"x"))));
}

TEST_F(IdentitiesFileTest, TheEnvironmentGivesSecretsOrTheIdentitiesThemselves) {
  env_["MCPH_IDENTITY_ALICE_PASSWORD"] = "from-env";
  const auto file = load_identities(write("identities: [{name: alice, client_id: c, grant: password}]"), environment());
  EXPECT_EQ(file.at(0).password, "from-env");

  env_["MCPH_IDENTITIES"] = "alice,svc-1";
  env_["MCPH_IDENTITY_ALICE_CLIENT_ID"] = "mcp-client";
  env_["MCPH_IDENTITY_SVC_1_KIND"] = "agent";
  env_["MCPH_IDENTITY_SVC_1_CLIENT_ID"] = "svc";
  env_["MCPH_IDENTITY_SVC_1_GRANT"] = "client_credentials";
  env_["MCPH_IDENTITY_SVC_1_CLIENT_SECRET"] = "svc-secret";
  const auto from_env = load_identities("", environment());
  ASSERT_EQ(from_env.size(), 2u);
  EXPECT_EQ(from_env[0].grant, TokenGrant::password);
  EXPECT_EQ(from_env[1].client_secret, "svc-secret");
  EXPECT_EQ(from_env[1].kind, "agent");
  env_.erase("MCPH_IDENTITIES");
  EXPECT_THAT(error_of([&] { load_identities("", environment()); }), HasSubstr("has no identities"));
}

TEST(TokenCommandTest, PrintsTheTokenOrFailsWithoutItsOutput) {
  EXPECT_EQ(run_token_command("carol", {"/bin/echo", "  eyJ.token.sig  "}), "eyJ.token.sig");
  const std::string failed = error_of([] { run_token_command("carol", {"/bin/sh", "-c", "echo leaked-secret; exit 3"}); });
  EXPECT_THAT(failed, HasSubstr("identity carol: token_command /bin/sh failed (exit code 3)"));
  EXPECT_THAT(failed, Not(HasSubstr("leaked-secret")));
  const std::string slow = error_of([] { run_token_command("carol", {"/bin/sleep", "5"}, std::chrono::milliseconds(200)); });
  EXPECT_THAT(slow, HasSubstr("ran past 200 ms"));
  EXPECT_THAT(error_of([] { run_token_command("carol", {"/bin/echo", "two words"}); }),
              ::testing::AllOf(HasSubstr("more than one word"), Not(HasSubstr("two words"))));
  EXPECT_THAT(error_of([] { run_token_command("carol", {"/bin/true"}); }), HasSubstr("printed no token"));
  // No shell: the words are the program's arguments as they are.
  EXPECT_EQ(run_token_command("carol", {"/bin/echo", "$HOME"}), "$HOME");
}

class TokenCacheTest : public ::testing::Test {
 protected:
  oidc::TokenResponse token(const std::string& value, long lifetime, const std::string& refresh = "r") {
    oidc::TokenResponse tokens;
    tokens.access_token = value;
    tokens.refresh_token = refresh;
    tokens.expires_in = lifetime;
    return tokens;
  }
  std::string get(long lifetime) {
    return cache_.get("alice", [&] { return token("signed-in-" + std::to_string(++acquired_), lifetime); },
                      [&](const std::string& refresh_token) {
                        refreshed_with_ = refresh_token;
                        if (refusing_) throw std::runtime_error("invalid_grant");
                        return token("refreshed-" + std::to_string(++refreshed_), lifetime, "");
                      }).access_token;
  }
  std::chrono::steady_clock::time_point now_{};
  TokenCache cache_{[this] { return now_; }};
  int acquired_ = 0, refreshed_ = 0;
  bool refusing_ = false;
  std::string refreshed_with_;
};

TEST_F(TokenCacheTest, RenewsThirtySecondsBeforeExpiryOrATenthOfALongLifetime) {
  EXPECT_EQ(TokenCache::renew_margin(std::chrono::seconds(300)), std::chrono::seconds(30));
  EXPECT_EQ(TokenCache::renew_margin(std::chrono::seconds(3600)), std::chrono::seconds(360));
  EXPECT_EQ(get(300), "signed-in-1");
  now_ += std::chrono::seconds(269);
  EXPECT_EQ(get(300), "signed-in-1");  // 31 s left: held
  now_ += std::chrono::seconds(2);
  EXPECT_EQ(get(300), "refreshed-1");  // 29 s left: refreshed, with the token's refresh token
  EXPECT_EQ(refreshed_with_, "r");
  now_ += std::chrono::seconds(271);
  EXPECT_EQ(get(300), "refreshed-2");
  EXPECT_EQ(refreshed_with_, "r");  // a refresh answer without one keeps the old
  EXPECT_EQ(acquired_, 1);

  now_ += std::chrono::seconds(3239);  // an hour's token: renewed with 6 min left, not 30 s
  EXPECT_EQ(get(3600), "refreshed-3");
  now_ += std::chrono::seconds(3239);
  EXPECT_EQ(get(3600), "refreshed-3");
  now_ += std::chrono::seconds(2);
  EXPECT_EQ(get(3600), "refreshed-4");
}

TEST_F(TokenCacheTest, SignsInAgainWhenTheRefreshIsRefusedAndHoldsNoTokenOfUnknownLifetime) {
  EXPECT_EQ(get(60), "signed-in-1");
  refusing_ = true;
  now_ += std::chrono::seconds(31);
  EXPECT_EQ(get(60), "signed-in-2");
  now_ += std::chrono::seconds(31);
  EXPECT_EQ(get(0), "signed-in-3");
  EXPECT_EQ(get(0), "signed-in-4");
}

}  // namespace
}  // namespace mcph::harness::idp
