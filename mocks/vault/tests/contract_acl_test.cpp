// ACL semantics over HTTP: globs, '+' segments, deny precedence, exact-over-prefix, and templated
// rules that are dropped (never widened) when they cannot be resolved for the caller.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "contract_support.h"

namespace mcph::mock_vault::contract {
namespace {

class Acl : public ::testing::Test {
 protected:
  void put_policy(const std::string& name, const std::string& text) {
    Reply reply = vault_.post("/v1/sys/policies/acl/" + name, Json{{"policy", text}});
    ASSERT_EQ(reply.status, 204) << reply.text;
  }
  std::string token_with(const std::vector<std::string>& policies) {
    Reply reply = vault_.post("/v1/auth/token/create", Json{{"policies", policies}, {"ttl", "10m"}});
    EXPECT_EQ(reply.status, 200) << reply.text;
    return reply.body["auth"]["client_token"].get<std::string>();
  }
  void seed(const std::string& path) {
    ASSERT_EQ(vault_.post("/v1/secret/data/" + path, Json{{"data", {{"v", path}}}}).status, 200);
  }
  int read(const std::string& path, const std::string& token) { return vault_.get("/v1/secret/data/" + path, token).status; }
  int write(const std::string& path, const std::string& token) {
    return vault_.post("/v1/secret/data/" + path, Json{{"data", {{"v", "w"}}}}, token).status;
  }

  VaultUnderTest vault_;
};

TEST_F(Acl, TrailingGlobIsAPrefix) {
  put_policy("glob", R"(path "secret/data/glob/*" { capabilities = ["read"] })");
  seed("glob/a/b");
  seed("globx");
  const std::string token = token_with({"glob"});
  EXPECT_EQ(read("glob/a/b", token), 200);
  EXPECT_EQ(read("globx", token), 403);
  EXPECT_EQ(read("glob/missing", token), 404);
}

TEST_F(Acl, PlusMatchesExactlyOneSegment) {
  put_policy("plus", R"(path "secret/data/team/+/doc" { capabilities = ["read"] })");
  seed("team/a/doc");
  seed("team/a/b/doc");
  const std::string token = token_with({"plus"});
  EXPECT_EQ(read("team/a/doc", token), 200);
  EXPECT_EQ(read("team/a/b/doc", token), 403);
  EXPECT_EQ(read("team/doc", token), 403);
}

TEST_F(Acl, DenyInAnyPolicyWinsOnTheSamePath) {
  put_policy("shared-read", R"(path "secret/data/shared/*" { capabilities = ["read", "update", "create"] })");
  put_policy("shared-deny", R"(path "secret/data/shared/*" { capabilities = ["deny"] })");
  seed("shared/x");
  EXPECT_EQ(read("shared/x", token_with({"shared-read"})), 200);
  const std::string both = token_with({"shared-read", "shared-deny"});
  EXPECT_EQ(read("shared/x", both), 403);
  EXPECT_EQ(write("shared/x", both), 403);
}

TEST_F(Acl, TheExactRuleDecidesAloneOverABroaderGlob) {
  put_policy("prio", R"(
path "secret/data/prio/*" { capabilities = ["create", "read", "update"] }
path "secret/data/prio/locked" { capabilities = ["read"] }
)");
  seed("prio/locked");
  const std::string token = token_with({"prio"});
  EXPECT_EQ(read("prio/locked", token), 200);
  EXPECT_EQ(write("prio/locked", token), 403) << "the exact rule grants read only";
  EXPECT_EQ(write("prio/open", token), 200);
}

TEST_F(Acl, CreateAndUpdateFollowTheExistenceCheck) {
  put_policy("create-only", R"(path "secret/data/co/*" { capabilities = ["create"] })");
  const std::string token = token_with({"create-only"});
  EXPECT_EQ(write("co/new", token), 200) << "a new secret needs create";
  EXPECT_EQ(write("co/new", token), 403) << "an existing one needs update";
}

TEST_F(Acl, UnresolvableTemplatesDropTheirBlockAndKeepTheRest) {
  put_policy("templated", R"(
path "secret/data/byname/{{identity.entity.name}}/*" { capabilities = ["read"] }
path "secret/data/byteam/{{identity.entity.metadata.team}}/*" { capabilities = ["read"] }
path "secret/data/open/*" { capabilities = ["read"] }
)");
  seed("open/doc");
  seed("byname/x");
  // A token without an entity: both templated blocks vanish, the plain one stays.
  const std::string token = token_with({"templated"});
  EXPECT_EQ(read("open/doc", token), 200);
  EXPECT_EQ(read("byname/x", token), 403);
  // The path the block would have granted with an empty name is not clean: Go's mux redirects it.
  EXPECT_EQ(read("byname//x", token), 307);
  Reply caps = vault_.post("/v1/sys/capabilities-self", Json{{"paths", {"secret/data/byteam//x", "secret/data/open/doc"}}}, token);
  ASSERT_EQ(caps.status, 200) << caps.text;
  EXPECT_EQ(caps.body["data"]["secret/data/byteam//x"], (Json{"deny"}));
  EXPECT_EQ(caps.body["data"]["secret/data/open/doc"], (Json{"read"}));
  EXPECT_EQ(caps.body["secret/data/open/doc"], (Json{"read"})) << "sys/capabilities-self data is also top-level";
}

TEST_F(Acl, TemplatesResolveForAnEntityAndMissingMetadataStillDrops) {
  JwksServer jwks;
  const Demo demo = Demo::provision(vault_, jwks);
  put_policy("user-secrets", std::string(Demo::policy_text()) + R"(
path "secret/data/byteam/{{identity.entity.metadata.floor}}/*" { capabilities = ["read"] }
)");
  seed("byteam/3/plan");
  const std::string alice = Demo::login(vault_, jwks.sign(jwks.claims_for(demo.alice_sub)));
  Reply caps = vault_.post("/v1/sys/capabilities-self",
                           Json{{"paths", {"secret/data/users/alice/jira", "secret/data/users/bob/jira",
                                           "secret/data/byteam/3/plan"}}},
                           alice);
  ASSERT_EQ(caps.status, 200) << caps.text;
  EXPECT_EQ(caps.body["data"]["secret/data/users/alice/jira"], (Json{"read"}));
  EXPECT_EQ(caps.body["data"]["secret/data/users/bob/jira"], (Json{"deny"}));
  EXPECT_EQ(caps.body["data"]["secret/data/byteam/3/plan"], (Json{"deny"})) << "alice has no 'floor' metadata";

  ASSERT_EQ(vault_.post("/v1/identity/entity/id/" + demo.alice_entity, Json{{"metadata", {{"floor", "3"}}}}).status, 204);
  EXPECT_EQ(read("byteam/3/plan", alice), 200) << "policies are rendered per request";
}

TEST_F(Acl, EntityAndGroupPoliciesAreIdentityPolicies) {
  JwksServer jwks;
  const Demo demo = Demo::provision(vault_, jwks);
  put_policy("group-extra", R"(path "secret/data/groupdocs/*" { capabilities = ["read"] })");
  seed("groupdocs/a");
  Reply group = vault_.post("/v1/identity/group",
                            Json{{"name", "readers-" + random_suffix()}, {"policies", {"group-extra"}},
                                 {"member_entity_ids", {demo.alice_entity}}});
  ASSERT_EQ(group.status, 200) << group.text;
  Reply login;
  const std::string alice = Demo::login(vault_, jwks.sign(jwks.claims_for(demo.alice_sub)), &login);
  EXPECT_EQ(login.body["auth"]["identity_policies"], (Json{"group-extra"}));
  EXPECT_EQ(login.body["auth"]["policies"], (Json{"default", "group-extra", "user-secrets"}));
  EXPECT_EQ(read("groupdocs/a", alice), 200);
  const std::string bob = Demo::login(vault_, jwks.sign(jwks.claims_for(demo.bob_sub)));
  EXPECT_EQ(read("groupdocs/a", bob), 403);
}

TEST_F(Acl, ExternalGroupsFollowTheGroupsClaim) {
  JwksServer jwks;
  const Demo demo = Demo::provision(vault_, jwks);
  ASSERT_EQ(vault_.post("/v1/auth/jwt/role/grouped", Json{{"role_type", "jwt"},
                                                          {"user_claim", "sub"},
                                                          {"bound_audiences", "mcp-client"},
                                                          {"groups_claim", "groups"}})
                .status,
            204);
  put_policy("ops-docs", R"(path "secret/data/ops/{{identity.groups.names.ops.id}}/*" { capabilities = ["read"] })");
  Reply group = vault_.post("/v1/identity/group", Json{{"name", "ops"}, {"type", "external"}, {"policies", {"ops-docs"}}});
  ASSERT_EQ(group.status, 200) << group.text;
  const std::string group_id = group.body["data"]["id"];
  ASSERT_EQ(vault_.post("/v1/identity/group-alias",
                        Json{{"name", "ops-team"}, {"mount_accessor", demo.accessor}, {"canonical_id", group_id}})
                .status,
            200);
  seed("ops/" + group_id + "/runbook");

  Json claims = jwks.claims_for(demo.alice_sub);
  claims["groups"] = Json::array({"ops-team", "other"});
  const std::string in_group = Demo::login(vault_, jwks.sign(claims), nullptr, "grouped");
  EXPECT_EQ(read("ops/" + group_id + "/runbook", in_group), 200);
  claims["groups"] = Json::array({"other"});
  const std::string left_group = Demo::login(vault_, jwks.sign(claims), nullptr, "grouped");
  EXPECT_EQ(read("ops/" + group_id + "/runbook", left_group), 403);
}

TEST_F(Acl, RootTokenBypassesAndNoMatchingRuleDenies) {
  seed("anything/at/all");
  EXPECT_EQ(read("anything/at/all", vault_.root_token()), 200);
  const std::string token = token_with({"default"});
  EXPECT_EQ(read("anything/at/all", token), 403);
}

}  // namespace
}  // namespace mcph::mock_vault::contract
