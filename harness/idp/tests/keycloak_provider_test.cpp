// The Keycloak provider against mock-keycloak and mock-vault, in process: what `up` provisions
// with it, the drift it reads back, and the tokens a user and a server get from it.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "mcph/harness/idp/identity_provider.h"
#include "mcph/harness/provision/keycloak_admin.h"
#include "mcph/mock_keycloak/mock_keycloak.h"
#include "mcph/vault/client.h"
#include "standin_vault.h"

namespace mcph::harness::idp {
namespace {

using Json = nlohmann::json;

class KeycloakProviderTest : public ::testing::Test {
 protected:
  void SetUp() override {
    keycloak_ = std::make_unique<mock_keycloak::MockKeycloak>(mock_keycloak::Options{.access_log = false});
    keycloak_->start();
    site_.url = keycloak_->url();
  }

  const IdentityProvider& provider_ = identity_provider(IdentityProviderKind::keycloak);
  std::unique_ptr<mock_keycloak::MockKeycloak> keycloak_;
  StandinVault standin_vault_;
  const provision::ProvisionTarget& target_ = standin_vault_.target;
  IdentityProviderSite site_;
};

TEST_F(KeycloakProviderTest, ProvisionsUsersWhoseTokensCarryTheSubjectVaultKnowsThemBy) {
  const provision::ProvisionResult made = provider_.provision(site_, target_, {});
  EXPECT_GT(made.changes, 0);
  ASSERT_EQ(made.users.size(), 3u);
  for (const auto& user : made.users) {
    const SignIn signed_in = provider_.sign_in(site_, {user.fixture.username, user.fixture.password});
    const std::string sub = claims_of(signed_in.tokens.access_token).value("sub", "");
    EXPECT_EQ(sub, user.id) << user.fixture.username;
    EXPECT_EQ(provider_.subject(site_, user.fixture.username), user.id);
    EXPECT_FALSE(user.entity_id.empty());
  }
  EXPECT_TRUE(provider_.check(site_, target_, {}).empty());
  EXPECT_EQ(provider_.provision(site_, target_, {}).changes, 0);
}

TEST_F(KeycloakProviderTest, AUserLeftDisabledIsDrift) {
  provider_.provision(site_, target_, {});
  provision::KeycloakAdmin admin(site_.url, "admin", "admin");
  admin.set_user_enabled(site_.realm, provider_.subject(site_, "carol"), false);
  const std::vector<provision::Drift> drifts = provider_.check(site_, target_, {});
  ASSERT_EQ(drifts.size(), 1u);
  EXPECT_EQ(drifts[0].object, "Keycloak user carol");
}

TEST_F(KeycloakProviderTest, AServerExchangesAUsersTokenForOneVaultLogsTheUserInWith) {
  provider_.provision(site_, target_, {});
  provider_.provision_mcp_resources(site_, {{"jira-mcp", "http://127.0.0.1:9/mcp", "jira-mcp", "", ""}}, {});
  const SignIn alice = provider_.sign_in(site_, {"alice", "alice123", "mcp-client", {}, "jira-mcp"});
  EXPECT_EQ(alice.endpoint, site_.url + "/realms/mcp-demo/protocol/openid-connect/token");
  // Vault's role takes only tokens issued for Vault: the user's own is refused, the exchanged one
  // logs alice in.
  vault::Client vault(standin_vault_.vault->url());
  EXPECT_THROW(vault.login_jwt("user", alice.tokens.access_token), vault::VaultError);
  const std::string exchanged = provider_.vault_login_token(site_, alice.tokens.access_token, {"jira-mcp"});
  const vault::Login login = vault.login_jwt("user", exchanged);
  EXPECT_EQ(vault.entity_name(login.entity_id, "root"), "alice");
  EXPECT_EQ(provider_.vault_login_token(site_, alice.tokens.access_token, {}), alice.tokens.access_token);
}

// A server's write scope and the broader scope that implies it are client scopes a user's client
// may ask for, each carried only when asked for.
TEST_F(KeycloakProviderTest, AServersWriteAndBroaderScopesAreEachCarriedWhenAskedFor) {
  provider_.provision(site_, target_, {});
  provider_.provision_mcp_resources(
      site_, {{"jira-mcp", "http://127.0.0.1:9/mcp", "jira-mcp", "jira-mcp.write", "jira-mcp.admin"}}, {});
  const auto scope_of = [&](const std::string& asked) {
    const SignIn alice = provider_.sign_in(site_, {"alice", "alice123", "mcp-client", {}, asked});
    return claims_of(alice.tokens.access_token).value("scope", "");
  };
  const std::string broader = scope_of("openid jira-mcp jira-mcp.admin");
  EXPECT_NE(broader.find("jira-mcp.admin"), std::string::npos) << broader;
  EXPECT_EQ(broader.find("jira-mcp.write"), std::string::npos) << broader;
  const std::string write = scope_of("openid jira-mcp jira-mcp.write");
  EXPECT_NE(write.find("jira-mcp.write"), std::string::npos) << write;
  EXPECT_EQ(write.find("jira-mcp.admin"), std::string::npos) << write;
  // A second provisioning finds both scopes and changes nothing.
  EXPECT_NO_THROW(provider_.provision_mcp_resources(
      site_, {{"jira-mcp", "http://127.0.0.1:9/mcp", "jira-mcp", "jira-mcp.write", "jira-mcp.admin"}}, {}));
  EXPECT_EQ(scope_of("openid jira-mcp jira-mcp.admin"), broader);
}

TEST_F(KeycloakProviderTest, ARefreshGivesTheSameUserANewAccessToken) {
  provider_.provision(site_, target_, {});
  const SignIn bob = provider_.sign_in(site_, {"bob", "bob123"});
  const oidc::TokenResponse refreshed = provider_.refresh(site_, {"bob"}, bob.tokens.refresh_token);
  EXPECT_EQ(claims_of(refreshed.access_token)["sub"], claims_of(bob.tokens.access_token)["sub"]);
  EXPECT_THROW(provider_.refresh(site_, {"bob"}, "not-a-refresh-token"), oidc::OidcError);
}

TEST_F(KeycloakProviderTest, ServersCheckTheRealmsIssuerAndReachItsKeysWhereTheyAreTold) {
  site_.url_for_servers = "http://127.0.0.1:1";
  const McpServerTrust trust = provider_.mcp_server_trust(site_, "jira-mcp");
  const auto flag = [&](const std::string& name) {
    const auto it = std::find(trust.flags.begin(), trust.flags.end(), name);
    return it == trust.flags.end() || it + 1 == trust.flags.end() ? std::string() : *(it + 1);
  };
  EXPECT_EQ(flag("--issuer"), site_.url + "/realms/mcp-demo");
  EXPECT_EQ(flag("--jwks-url"), "http://127.0.0.1:1/realms/mcp-demo/protocol/openid-connect/certs");
  // The realm's user-facing clients, each a flag and the stack entry's clients.
  EXPECT_EQ(trust.allowed_clients, (std::vector<std::string>{"mcp-client", "mcp-client-short-lived", "mcp-client-email-login"}));
  const std::vector<std::string> flags = trust.server_flags();
  EXPECT_EQ(std::count(flags.begin(), flags.end(), "--allowed-client"), 3);
  ASSERT_EQ(trust.env.size(), 1u);
  EXPECT_EQ(trust.env[0].first, "MCPH_CLIENT_SECRET");
  EXPECT_FALSE(trust.env[0].second.empty());
}

}  // namespace
}  // namespace mcph::harness::idp
