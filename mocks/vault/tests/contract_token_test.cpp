// Tokens: lookup, renewal, revocation, creation rules, use counts and TTL expiry.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <chrono>

#include "contract_support.h"
#include "mcph/proc/poll_until.h"

namespace mcph::mock_vault::contract {
namespace {

using namespace std::chrono_literals;

const char* kInvalidToken = "2 errors occurred:\n\t* permission denied\n\t* invalid token\n\n";

// Polls until the token is refused (or the deadline passes).
void wait_until_refused(VaultUnderTest& vault, const std::string& token, std::chrono::seconds deadline) {
  proc::poll_until([&] { return vault.get("/v1/auth/token/lookup-self", token).status == 403; }, deadline, 100ms);
}

class Tokens : public ::testing::Test {
 protected:
  VaultUnderTest vault_;
};

TEST_F(Tokens, LoginTokensStopWorkingAtTheirTtl) {
  JwksServer jwks;
  const Demo demo = Demo::provision(vault_, jwks);
  ASSERT_EQ(vault_.post("/v1/auth/jwt/role/short", Json{{"role_type", "jwt"},
                                                        {"user_claim", "sub"},
                                                        {"bound_audiences", "mcp-client"},
                                                        {"token_policies", "user-secrets"},
                                                        {"token_ttl", "2s"},
                                                        {"token_max_ttl", "2s"}})
                .status,
            204);
  Reply login;
  // Timed from before the login, so that a slow login cannot make a right refusal look early.
  const auto login_started = std::chrono::steady_clock::now();
  const std::string token = Demo::login(vault_, jwks.sign(jwks.claims_for(demo.alice_sub)), &login, "short");
  ASSERT_FALSE(token.empty()) << login.text;
  EXPECT_EQ(login.body["auth"]["lease_duration"], 2);
  EXPECT_EQ(vault_.get("/v1/secret/data/users/alice/jira", token).status, 200);

  wait_until_refused(vault_, token, 10s);
  // A 2 s TTL counted from a creation time in whole seconds: refused 1 s after the login at the
  // earliest.
  EXPECT_GE(std::chrono::steady_clock::now() - login_started, 1000ms) << "refused too early";
  Reply refused = vault_.get("/v1/secret/data/users/alice/jira", token);
  EXPECT_EQ(refused.status, 403);
  EXPECT_EQ(refused.body, (Json{{"errors", {kInvalidToken}}}));
  // Renewal cannot pass max_ttl either: a fresh token renewed still dies at 2 s.
  const std::string fresh = Demo::login(vault_, jwks.sign(jwks.claims_for(demo.alice_sub)), nullptr, "short");
  Reply renewed = vault_.post("/v1/auth/token/renew-self", Json{{"increment", "1h"}}, fresh);
  ASSERT_EQ(renewed.status, 200) << renewed.text;
  EXPECT_LE(renewed.body["auth"]["lease_duration"].get<int>(), 2);
}

TEST_F(Tokens, NoTokenAndBadTokenHaveDifferentBodies) {
  Reply none = vault_.get("/v1/secret/data/x", std::string());
  EXPECT_EQ(none.status, 403);
  EXPECT_EQ(none.body, (Json{{"errors", {"permission denied"}}}));
  Reply bad = vault_.get("/v1/secret/data/x", std::string("hvs.not-a-token"));
  EXPECT_EQ(bad.status, 403);
  EXPECT_EQ(bad.body, (Json{{"errors", {kInvalidToken}}}));
  Reply bearer = vault_.call("GET", "/v1/auth/token/lookup-self", nullptr, std::string(),
                             {{"Authorization", "Bearer " + vault_.root_token()}});
  EXPECT_EQ(bearer.status, 200) << "Authorization: Bearer works like X-Vault-Token";
}

// The dev server's root token as -dev-root-token-id makes it: through auth/token/create, without a
// parent or the default policy (hvac and node-vault users read it with lookup-self).
TEST_F(Tokens, TheRootTokenLooksLikeACreatedOne) {
  Reply self = vault_.get("/v1/auth/token/lookup-self");
  ASSERT_EQ(self.status, 200) << self.text;
  const Json& data = self.body["data"];
  EXPECT_EQ(data["display_name"], "token");
  EXPECT_EQ(data["path"], "auth/token/create");
  EXPECT_EQ(data["policies"], (Json{"root"}));
  EXPECT_EQ(data["orphan"], true);
  EXPECT_EQ(data["ttl"], 0);
  EXPECT_EQ(data["expire_time"], nullptr);
  EXPECT_EQ(data["entity_id"], "");
}

TEST_F(Tokens, CreateLookupRenewRevoke) {
  Reply created = vault_.post("/v1/auth/token/create",
                              Json{{"policies", {"default"}}, {"ttl", "1h"}, {"display_name", "ci job"}, {"meta", {{"k", "v"}}}});
  ASSERT_EQ(created.status, 200) << created.text;
  const Json& auth = created.body["auth"];
  EXPECT_EQ(created.body["mount_type"], "token");
  EXPECT_EQ(auth["policies"], (Json{"default"}));
  EXPECT_EQ(auth["lease_duration"], 3600);
  EXPECT_EQ(auth["orphan"], false);
  const std::string token = auth["client_token"];
  const std::string accessor = auth["accessor"];

  Reply self = vault_.get("/v1/auth/token/lookup-self", token);
  ASSERT_EQ(self.status, 200);
  EXPECT_EQ(self.body["data"]["display_name"], "token-ci-job");
  EXPECT_EQ(self.body["data"]["meta"], (Json{{"k", "v"}}));
  EXPECT_EQ(self.body["data"]["path"], "auth/token/create");
  EXPECT_EQ(self.body["data"]["creation_ttl"], 3600);
  EXPECT_TRUE(self.body["data"]["expire_time"].is_string());

  Reply looked = vault_.post("/v1/auth/token/lookup", Json{{"token", token}});
  EXPECT_EQ(looked.body["data"]["accessor"], accessor);
  EXPECT_EQ(vault_.post("/v1/auth/token/lookup", Json{{"token", token}}, token).status, 403)
      << "the default policy does not allow looking up other tokens";

  Reply renewed = vault_.post("/v1/auth/token/renew-self", Json{{"increment", "30m"}}, token);
  ASSERT_EQ(renewed.status, 200) << renewed.text;
  EXPECT_EQ(renewed.body["auth"]["lease_duration"], 1800);

  EXPECT_EQ(vault_.post("/v1/auth/token/revoke-self", Json::object(), token).status, 204);
  EXPECT_EQ(vault_.get("/v1/auth/token/lookup-self", token).status, 403);
}

TEST_F(Tokens, ChildPoliciesMustBeASubsetOfTheParents) {
  const std::string parent = vault_.post("/v1/auth/token/create", Json{{"policies", {"default"}}}).body["auth"]["client_token"];
  ASSERT_EQ(vault_.post("/v1/sys/policies/acl/token-maker",
                        Json{{"policy", R"(path "auth/token/create" { capabilities = ["update"] })"}})
                .status,
            204);
  const std::string maker =
      vault_.post("/v1/auth/token/create", Json{{"policies", {"token-maker"}}}).body["auth"]["client_token"];
  Reply refused = vault_.post("/v1/auth/token/create", Json{{"policies", {"root"}}}, maker);
  EXPECT_EQ(refused.status, 400);
  EXPECT_EQ(refused.error(), "child policies must be subset of parent");
  Reply child = vault_.post("/v1/auth/token/create", Json{{"policies", {"token-maker"}}}, maker);
  ASSERT_EQ(child.status, 200) << child.text;
  // Revoking the parent revokes the child.
  const std::string child_token = child.body["auth"]["client_token"];
  ASSERT_EQ(vault_.post("/v1/auth/token/revoke", Json{{"token", maker}}).status, 204);
  EXPECT_EQ(vault_.get("/v1/auth/token/lookup-self", child_token).status, 403);
  EXPECT_EQ(vault_.get("/v1/auth/token/lookup-self", parent).status, 200);
}

TEST_F(Tokens, UseLimitedTokenDiesAfterItsUses) {
  const std::string token =
      vault_.post("/v1/auth/token/create", Json{{"policies", {"default"}}, {"num_uses", 2}}).body["auth"]["client_token"];
  EXPECT_EQ(vault_.get("/v1/auth/token/lookup-self", token).status, 200);
  EXPECT_EQ(vault_.get("/v1/auth/token/lookup-self", token).status, 200);
  EXPECT_EQ(vault_.get("/v1/auth/token/lookup-self", token).status, 403);
}

TEST_F(Tokens, ShortTtlTokenFromTokenCreateExpires) {
  const std::string token =
      vault_.post("/v1/auth/token/create", Json{{"policies", {"default"}}, {"ttl", "2s"}}).body["auth"]["client_token"];
  EXPECT_EQ(vault_.get("/v1/auth/token/lookup-self", token).status, 200);
  wait_until_refused(vault_, token, 10s);
  EXPECT_EQ(vault_.get("/v1/auth/token/lookup-self", token).status, 403);
}

}  // namespace
}  // namespace mcph::mock_vault::contract
