// The Cognito provider against mock-cognito and mock-vault, in process: the pool it makes, the
// drift it reads back, and the tokens Vault takes from its users as they are.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "mcph/harness/idp/identity_provider.h"
#include "mcph/mock_cognito/mock_cognito.h"
#include "mcph/vault/client.h"
#include "standin_vault.h"

namespace mcph::harness::idp {
namespace {

using Json = nlohmann::json;

class CognitoProviderTest : public ::testing::Test {
 protected:
  void SetUp() override {
    cognito_ = std::make_unique<mock_cognito::MockCognito>(mock_cognito::Options{.access_log = false});
    cognito_->start();
    site_.url = cognito_->url();
  }

  const IdentityProvider& provider_ = identity_provider(IdentityProviderKind::cognito);
  std::unique_ptr<mock_cognito::MockCognito> cognito_;
  StandinVault standin_vault_;
  const provision::ProvisionTarget& target_ = standin_vault_.target;
  IdentityProviderSite site_;
};

TEST_F(CognitoProviderTest, MakesAPoolWhoseUsersSignInAsTheSubjectVaultKnowsThemBy) {
  const provision::ProvisionResult made = provider_.provision(site_, target_, {});
  EXPECT_FALSE(site_.fields.pool_id.empty());
  EXPECT_FALSE(site_.fields.app_client_id.empty());
  EXPECT_FALSE(site_.fields.issuer.empty());
  ASSERT_EQ(made.users.size(), 3u);
  for (const auto& user : made.users) {
    const SignIn signed_in = provider_.sign_in(site_, {user.fixture.username, user.fixture.password});
    const Json claims = claims_of(signed_in.tokens.access_token);
    EXPECT_EQ(claims.value("sub", ""), user.id) << user.fixture.username;
    EXPECT_EQ(claims.value("iss", ""), site_.fields.issuer);
    EXPECT_EQ(provider_.subject(site_, user.fixture.username), user.id);
  }
  EXPECT_TRUE(provider_.check(site_, target_, {}).empty());
  // The pool the site names is used as it is.
  EXPECT_EQ(provider_.provision(site_, target_, {}).changes, 0);
}

TEST_F(CognitoProviderTest, VaultTakesAUsersOwnAccessTokenButNotTheirIdToken) {
  provider_.provision(site_, target_, {});
  const SignIn alice = provider_.sign_in(site_, {"alice", "alice123"});
  const std::string token = provider_.vault_login_token(site_, alice.tokens.access_token, {"jira-mcp"});
  EXPECT_EQ(token, alice.tokens.access_token);  // no token exchange
  vault::Client vault(standin_vault_.vault->url());
  const vault::Login login = vault.login_jwt("user", token);
  EXPECT_EQ(vault.entity_name(login.entity_id, "root"), "alice");
  EXPECT_THROW(vault.login_jwt("user", alice.tokens.id_token), vault::VaultError);  // token_use id
}

TEST_F(CognitoProviderTest, AVaultRoleBoundToNoAppClientAndAnotherAppSecretAreDrift) {
  provider_.provision(site_, target_, {});
  vault::Client vault(standin_vault_.vault->url());
  const Json role = Json::parse(vault.call("GET", "auth/jwt/role/user", "root"))["data"];
  Json loosened = role;
  loosened["bound_claims"] = {{"token_use", "access"}};
  vault.call("POST", "auth/jwt/role/user", "root", loosened.dump());
  IdentityProviderSite other_secret = site_;
  other_secret.fields.app_client_secret = "not-the-pools";
  std::vector<std::string> objects;
  for (const auto& drift : provider_.check(other_secret, target_, {})) objects.push_back(drift.object);
  EXPECT_EQ(objects, (std::vector<std::string>{"Cognito app client " + site_.fields.app_client_id,
                                               "Vault JWT role user (Cognito access tokens)"}));
}

TEST_F(CognitoProviderTest, SignInIsThroughTheStacksOneAppClientWithoutDpop) {
  provider_.provision(site_, target_, {});
  const SignIn bob = provider_.sign_in(site_, {"bob", "bob123"});
  EXPECT_EQ(bob.endpoint, site_.url + "/");
  EXPECT_EQ(claims_of(bob.tokens.access_token).value("client_id", ""), site_.fields.app_client_id);
  const oidc::TokenResponse refreshed = provider_.refresh(site_, {"bob"}, bob.tokens.refresh_token);
  EXPECT_EQ(claims_of(refreshed.access_token)["sub"], claims_of(bob.tokens.access_token)["sub"]);
  EXPECT_THROW(provider_.sign_in(site_, {"bob", "bob123", "mcp-client-short-lived"}), std::runtime_error);
  UserSignIn bound{"bob", "bob123"};
  bound.dpop_bound = true;
  EXPECT_THROW(provider_.sign_in(site_, bound), std::runtime_error);
  EXPECT_THROW(provider_.sign_in(site_, {"bob", "wrong"}), oidc::OidcError);
}

}  // namespace
}  // namespace mcph::harness::idp
