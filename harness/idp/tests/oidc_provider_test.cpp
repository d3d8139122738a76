// The oidc provider against mock-keycloak's realm as a provider the harness does not administer
// (its realm made beforehand, as another team would) and mock-vault, in process: discovery,
// sign-in as the identities of a private file, the subject a server sees, Vault bound to the
// issuer's keys, and what check() names when a sign-in or the issuer is wrong.
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <sys/stat.h>

#include <fstream>
#include <nlohmann/json.hpp>

#include "mcph/harness/fixtures/user_fixtures.h"
#include "mcph/harness/idp/identity_provider.h"
#include "mcph/mock_keycloak/mock_keycloak.h"
#include "mcph/proc/temp_dir.h"
#include "mcph/vault/client.h"
#include "standin_vault.h"

namespace mcph::harness::idp {
namespace {

using ::testing::HasSubstr;

class OidcProviderTest : public ::testing::Test {
 protected:
  void SetUp() override {
    keycloak_ = std::make_unique<mock_keycloak::MockKeycloak>(mock_keycloak::Options{.access_log = false});
    keycloak_->start();
    IdentityProviderSite admin_site;
    admin_site.url = keycloak_->url();
    keycloak_provider_.provision(admin_site, standin_vault_.target, {});
    site_.url = keycloak_->url() + "/realms/mcp-demo";
    site_.fields.issuer = site_.url;
    // carol's token as her token_command prints it (got here, as a CLI of the provider would).
    carol_token_ = keycloak_provider_.sign_in(admin_site, {"carol", "carol123"}).tokens.access_token;
    write_identities("alice123", "bob123");
  }

  void write_identities(const std::string& alice_password, const std::string& bob_password) {
    const std::string secret = fixtures::realm_client_secret(fixtures::FixtureFiles::in(fixtures::default_fixtures_dir()), "mcp-client");
    nlohmann::json identities = nlohmann::json::array();
    for (const auto& [name, password] : {std::pair{"alice", alice_password}, std::pair{"bob", bob_password}}) {
      identities.push_back({{"name", name}, {"kind", "user"}, {"client_id", "mcp-client"}, {"client_secret", secret},
                            {"grant", "password"}, {"password", password}});
    }
    identities.push_back({{"name", "carol"}, {"kind", "user"}, {"grant", "token_command"},
                          {"command", {"/bin/echo", carol_token_}}});
    write(identities);
  }

  void write(const nlohmann::json& identities) {
    site_.fields.identities_file = (dir_.path() / "identities.json").string();
    std::ofstream(site_.fields.identities_file) << nlohmann::json{{"identities", identities}}.dump();
    ::chmod(site_.fields.identities_file.c_str(), 0600);
  }

  const IdentityProvider& provider_ = identity_provider(IdentityProviderKind::oidc);
  const IdentityProvider& keycloak_provider_ = identity_provider(IdentityProviderKind::keycloak);
  std::unique_ptr<mock_keycloak::MockKeycloak> keycloak_;
  StandinVault standin_vault_;
  proc::TempDir dir_{"oidc-provider"};
  IdentityProviderSite site_;
  std::string carol_token_;
};

TEST_F(OidcProviderTest, SignsInAsEachIdentityAndFindsTheStackAsProvisioned) {
  EXPECT_FALSE(provider_.administered());
  IdentityProviderSite admin_site;
  admin_site.url = keycloak_->url();
  for (const char* name : {"alice", "bob", "carol"}) {
    const std::string sub = provider_.subject(site_, name);
    EXPECT_EQ(sub, keycloak_provider_.subject(admin_site, name)) << name;
  }
  // The realm fixture's password a scenario passes is not used: the identity's own is.
  const SignIn alice = provider_.sign_in(site_, {"alice", "not-what-the-file-says"});
  EXPECT_EQ(claims_of(alice.tokens.access_token).value("iss", ""), site_.url);
  EXPECT_EQ(alice.endpoint, site_.url + "/protocol/openid-connect/token");
  EXPECT_THAT(alice.flow, HasSubstr("password at " + site_.url + " as alice"));
  EXPECT_EQ(provider_.sign_in(site_, {"carol"}).tokens.access_token, carol_token_);
  EXPECT_THAT(provider_.sign_in(site_, {"carol"}).endpoint, HasSubstr("token_command /bin/echo"));
  // Vault's binding is the issuer's: what keycloak provisioned reads back unchanged.
  EXPECT_TRUE(provider_.check(site_, standin_vault_.target, {}).empty());
  try {
    provider_.subject(site_, "user0001");
    ADD_FAILURE() << "a user of no identity has a subject";
  } catch (const std::runtime_error& e) {
    EXPECT_THAT(e.what(), HasSubstr("not administered by the harness"));
  }
}

TEST_F(OidcProviderTest, ProvisionsVaultAloneBoundToTheIssuersKeys) {
  StandinVault fresh;
  const provision::ProvisionResult made = provider_.provision(site_, fresh.target, {});
  EXPECT_GT(made.changes, 0);
  ASSERT_EQ(made.users.size(), 3u);  // alice, bob, carol: the fixtures' users the identities are
  vault::Client vault(fresh.vault->url());
  const auto config = nlohmann::json::parse(vault.call("GET", "auth/jwt/config", "root"))["data"];
  EXPECT_EQ(config.value("bound_issuer", ""), site_.url);
  EXPECT_EQ(config.value("jwks_url", ""), site_.url + "/protocol/openid-connect/certs");
  EXPECT_TRUE(provider_.check(site_, fresh.target, {}).empty());
  EXPECT_EQ(provider_.provision(site_, fresh.target, {}).changes, 0);
}

TEST_F(OidcProviderTest, CheckNamesAnIdentityThatCannotSignInAndAnotherIssuer) {
  write_identities("alice123", "wrong-password-bob");
  const auto drifts = provider_.check(site_, standin_vault_.target, {});
  ASSERT_FALSE(drifts.empty());
  EXPECT_EQ(drifts.front().object, "OIDC identity bob");
  EXPECT_THAT(drifts.front().difference, HasSubstr("cannot sign in (password)"));
  for (const auto& drift : drifts) EXPECT_THAT(drift.difference, ::testing::Not(HasSubstr("wrong-password-bob")));

  IdentityProviderSite other = site_;
  other.fields.issuer = site_.url + "/";
  const auto wrong_issuer = provider_.check(other, standin_vault_.target, {});
  ASSERT_EQ(wrong_issuer.size(), 1u);
  EXPECT_THAT(wrong_issuer.front().difference, HasSubstr("names the issuer " + site_.url + ", not the stack file's"));
}

// The grants other than the password's, each at the provider's token endpoint: a refresh token
// its owner got once, and an agent's client credentials.
TEST_F(OidcProviderTest, SignsInWithARefreshTokenAndWithClientCredentials) {
  IdentityProviderSite admin_site;
  admin_site.url = keycloak_->url();
  const fixtures::FixtureFiles fixtures = fixtures::FixtureFiles::in(fixtures::default_fixtures_dir());
  const std::string bob_refresh = keycloak_provider_.sign_in(admin_site, {"bob", "bob123"}).tokens.refresh_token;
  ASSERT_FALSE(bob_refresh.empty());
  write(nlohmann::json::array(
      {{{"name", "bob"}, {"kind", "user"}, {"client_id", "mcp-client"},
        {"client_secret", fixtures::realm_client_secret(fixtures, "mcp-client")}, {"grant", "refresh_token"},
        {"refresh_token", bob_refresh}},
       {{"name", "ci-bot"}, {"kind", "agent"}, {"client_id", "other-app"},
        {"client_secret", fixtures::realm_client_secret(fixtures, "other-app")}, {"grant", "client_credentials"}}}));

  EXPECT_EQ(provider_.subject(site_, "bob"), keycloak_provider_.subject(admin_site, "bob"));
  const SignIn bot = provider_.sign_in(site_, {"ci-bot", "", "other-app"});
  const auto claims = claims_of(bot.tokens.access_token);
  EXPECT_EQ(claims.value("azp", ""), "other-app");
  EXPECT_FALSE(claims.value("sub", "").empty());
  EXPECT_THAT(bot.flow, HasSubstr("client_credentials at " + site_.url + " as ci-bot, client other-app"));
  EXPECT_TRUE(provider_.check(site_, standin_vault_.target, {}).empty());
}

// A token nearer its end than the renewal margin (a client whose tokens live 10 s) is renewed at
// the provider with its refresh token: the same session (sid), a new token.
TEST_F(OidcProviderTest, RenewsAShortLivedTokenWithItsRefreshToken) {
  write(nlohmann::json::array(
      {{{"name", "alice"}, {"kind", "user"}, {"client_id", "mcp-client-short-lived"},
        {"client_secret", fixtures::realm_client_secret(fixtures::FixtureFiles::in(fixtures::default_fixtures_dir()), "mcp-client-short-lived")},
        {"grant", "password"}, {"password", "alice123"}}}));
  const UserSignIn alice{"alice", "", "mcp-client-short-lived"};
  const auto first = provider_.sign_in(site_, alice).tokens;
  const auto second = provider_.sign_in(site_, alice).tokens;
  EXPECT_NE(second.access_token, first.access_token);
  const std::string sid = claims_of(first.access_token).value("sid", "");
  ASSERT_FALSE(sid.empty());
  EXPECT_EQ(claims_of(second.access_token).value("sid", ""), sid) << "signed in anew instead of refreshing";
}

// Vault's role binds the audience the provider's tokens carry for the stack's servers, when the
// stack file names one; `vault` when it does not.
TEST_F(OidcProviderTest, BindsVaultsRoleToTheStackFilesAudience) {
  EXPECT_EQ(provider_.vault_binding(site_, {}).role["bound_audiences"], nlohmann::json::array({"vault"}));
  site_.fields.vault_audience = "api://mcp-servers";
  EXPECT_EQ(provider_.vault_binding(site_, {}).role["bound_audiences"], nlohmann::json::array({"api://mcp-servers"}));
}

}  // namespace
}  // namespace mcph::harness::idp
