// Token roles (auth/token/roles/<name>) and creation against one (auth/token/create/<role>): how a
// token that is not root creates children with policies it does not hold itself, within the
// role's globs, as a bridge's parent token creates its agents' tokens.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "contract_support.h"

namespace mcph::mock_vault::contract {
namespace {

using ::testing::HasSubstr;

class TokenRoles : public ::testing::Test {
 protected:
  void SetUp() override {
    suffix_ = random_suffix();
    role_ = "agents-" + suffix_;
    Reply written = vault_.post("/v1/auth/token/roles/" + role_, Json{{"allowed_policies_glob", {"agent-" + suffix_ + "-*"}},
                                                                       {"orphan", false},
                                                                       {"renewable", false},
                                                                       {"token_explicit_max_ttl", "5m"}});
    ASSERT_EQ(written.status, 204) << written.text;
    const std::string maker_policy = "path \"auth/token/create/" + role_ + "\" { capabilities = [\"update\"] }\n";
    ASSERT_EQ(vault_.post("/v1/sys/policies/acl/maker-" + suffix_, Json{{"policy", maker_policy}}).status, 204);
  }
  void TearDown() override {
    vault_.del("/v1/auth/token/roles/" + role_);
    vault_.del("/v1/sys/policies/acl/maker-" + suffix_);
  }
  // A token (a child of root) whose only right is to create tokens against the role.
  std::string maker(const Json& extra = Json::object()) {
    Json request = {{"policies", {"maker-" + suffix_}}, {"ttl", "10m"}};
    request.update(extra);
    Reply created = vault_.post("/v1/auth/token/create", request);
    EXPECT_EQ(created.status, 200) << created.text;
    return created.body["auth"].value("client_token", "");
  }
  std::string agent_policy(const std::string& agent) const { return "agent-" + suffix_ + "-" + agent; }

  VaultUnderTest vault_;
  std::string suffix_;
  std::string role_;
};

TEST_F(TokenRoles, WriteReadListDelete) {
  Reply read = vault_.get("/v1/auth/token/roles/" + role_);
  ASSERT_EQ(read.status, 200) << read.text;
  const Json& data = read.body["data"];
  EXPECT_EQ(data["name"], role_);
  EXPECT_EQ(data["allowed_policies_glob"], (Json{"agent-" + suffix_ + "-*"}));
  EXPECT_EQ(data["orphan"], false);
  EXPECT_EQ(data["renewable"], false);
  EXPECT_EQ(data["token_explicit_max_ttl"], 300);
  EXPECT_EQ(data["token_type"], "default-service");

  // An update keeps what it does not name.
  ASSERT_EQ(vault_.post("/v1/auth/token/roles/" + role_, Json{{"token_explicit_max_ttl", 60}}).status, 204);
  read = vault_.get("/v1/auth/token/roles/" + role_);
  EXPECT_EQ(read.body["data"]["token_explicit_max_ttl"], 60);
  EXPECT_EQ(read.body["data"]["renewable"], false);
  EXPECT_EQ(read.body["data"]["allowed_policies_glob"], (Json{"agent-" + suffix_ + "-*"}));

  Reply listed = vault_.list("/v1/auth/token/roles");
  ASSERT_EQ(listed.status, 200) << listed.text;
  EXPECT_THAT(listed.body["data"]["keys"].get<std::vector<std::string>>(), ::testing::Contains(role_));

  EXPECT_EQ(vault_.del("/v1/auth/token/roles/" + role_).status, 204);
  EXPECT_EQ(vault_.get("/v1/auth/token/roles/" + role_).status, 404);
}

TEST_F(TokenRoles, AParentThatIsNotRootCreatesChildrenWithTheRolesGlobPolicies) {
  const std::string parent = maker();
  Reply child = vault_.post("/v1/auth/token/create/" + role_,
                            Json{{"policies", {agent_policy("a")}}, {"no_default_policy", true}, {"ttl", "1h"}, {"num_uses", 2}},
                            parent);
  ASSERT_EQ(child.status, 200) << child.text;
  const Json& auth = child.body["auth"];
  EXPECT_EQ(auth["policies"], (Json{agent_policy("a")}));
  EXPECT_EQ(auth["orphan"], false);
  EXPECT_EQ(auth["renewable"], false);
  EXPECT_EQ(auth["lease_duration"], 300) << "the role's explicit max TTL caps the requested hour";
  const std::string token = auth["client_token"];

  Reply looked = vault_.post("/v1/auth/token/lookup", Json{{"token", token}});
  ASSERT_EQ(looked.status, 200) << looked.text;
  EXPECT_EQ(looked.body["data"]["path"], "auth/token/create/" + role_);
  EXPECT_EQ(looked.body["data"]["num_uses"], 2);

  // Not an orphan: revoking the parent revokes it.
  ASSERT_EQ(vault_.post("/v1/auth/token/revoke", Json{{"token", parent}}).status, 204);
  EXPECT_EQ(vault_.post("/v1/auth/token/lookup", Json{{"token", token}}).status, 403);
}

TEST_F(TokenRoles, APolicyOutsideTheGlobIsRefused) {
  const std::string parent = maker();
  Reply refused = vault_.post("/v1/auth/token/create/" + role_,
                              Json{{"policies", {"root"}}, {"no_default_policy", true}}, parent);
  EXPECT_EQ(refused.status, 400);
  EXPECT_THAT(refused.error(), HasSubstr("must be subset of the role's allowed policies"));
  refused = vault_.post("/v1/auth/token/create/" + role_,
                        Json{{"policies", {agent_policy("a"), "other-" + suffix_}}, {"no_default_policy", true}}, parent);
  EXPECT_EQ(refused.status, 400);
  EXPECT_THAT(refused.error(), HasSubstr("glob policies ([\"agent-" + suffix_ + "-*\"])"));
}

TEST_F(TokenRoles, NoRoleLetsAParentThatIsNotRootMintRoot) {
  const std::string open_role = "open-" + suffix_;
  ASSERT_EQ(vault_.post("/v1/auth/token/roles/" + open_role, Json{{"allowed_policies_glob", {"*"}}}).status, 204);
  const std::string policy = "path \"auth/token/create/" + open_role + "\" { capabilities = [\"update\"] }\n";
  ASSERT_EQ(vault_.post("/v1/sys/policies/acl/open-maker-" + suffix_, Json{{"policy", policy}}).status, 204);
  const std::string parent =
      vault_.post("/v1/auth/token/create", Json{{"policies", {"open-maker-" + suffix_}}}).body["auth"].value("client_token", "");
  Reply refused = vault_.post("/v1/auth/token/create/" + open_role, Json{{"policies", {"root"}}}, parent);
  EXPECT_EQ(refused.status, 400);
  EXPECT_EQ(refused.error(), "root tokens may not be created without parent token being root");
  vault_.del("/v1/auth/token/roles/" + open_role);
  vault_.del("/v1/sys/policies/acl/open-maker-" + suffix_);
}

TEST_F(TokenRoles, TheSameParentCannotCreateTokensOutsideTheRole) {
  const std::string parent = maker();
  EXPECT_EQ(vault_.post("/v1/auth/token/create", Json{{"policies", {agent_policy("a")}}}, parent).status, 403);
  EXPECT_EQ(vault_.post("/v1/auth/token/create/other-" + suffix_, Json{{"policies", {agent_policy("a")}}}, parent).status, 403)
      << "the parent's policy names one role";
}

TEST_F(TokenRoles, AnUnknownRoleIsABadRequest) {
  Reply refused = vault_.post("/v1/auth/token/create/missing-" + suffix_, Json{{"policies", {"default"}}});
  EXPECT_EQ(refused.status, 400);
  EXPECT_EQ(refused.error(), "unknown role missing-" + suffix_);
}

TEST_F(TokenRoles, AUseLimitedParentCannotCreateChildren) {
  const std::string parent = maker(Json{{"num_uses", 5}});
  Reply refused = vault_.post("/v1/auth/token/create/" + role_, Json{{"policies", {agent_policy("a")}}}, parent);
  EXPECT_EQ(refused.status, 400);
  EXPECT_EQ(refused.error(), "restricted use token cannot generate child tokens");
}

}  // namespace
}  // namespace mcph::mock_vault::contract
