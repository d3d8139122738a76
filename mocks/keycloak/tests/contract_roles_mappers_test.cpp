// Contract tests for what Keycloak's admin client does with roles, groups and protocol mappers
// beyond the provisioner: realm role updates and renames, roles by id, client roles and their
// mappings (in tokens too), group updates, and the protocol mappers of clients and client scopes.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "contract_fixture.h"

namespace mcph::keycloak_test {
namespace {

using ::testing::Contains;

nlohmann::json names_of(const nlohmann::json& list) {
  nlohmann::json names = nlohmann::json::array();
  for (const auto& item : list) names.push_back(item.at("name"));
  return names;
}

class RolesAndMappers : public ContractTest {
 protected:
  std::string r() const { return "/" + realm(); }
  nlohmann::json get(const std::string& path) { return json_of(api().admin("GET", r() + path)); }
  nlohmann::json claims_of_login(const std::string& scope = {}) {
    return claims_of(login("alice", "alice-pw", scope).at("access_token").get<std::string>());
  }
};

TEST_F(RolesAndMappers, RealmRolesUpdateRenameAndById) {
  ASSERT_EQ(api().admin("POST", r() + "/roles", nlohmann::json{{"name", "analyst"}, {"description", "reads"}}).status, 201);
  const auto role = get("/roles/analyst");
  const std::string id = role.at("id");
  EXPECT_EQ(role.at("attributes"), nlohmann::json::object());
  for (const auto& listed : get("/roles")) EXPECT_FALSE(listed.contains("attributes")) << "listings are brief";
  ASSERT_EQ(api().admin("POST", r() + "/users/" + alice_id_ + "/role-mappings/realm",
                        nlohmann::json::array({{{"id", id}, {"name", "analyst"}}})).status, 204);
  EXPECT_EQ(get("/roles/analyst/users").at(0).at("username"), "alice");

  ASSERT_EQ(api().admin("PUT", r() + "/roles/analyst", nlohmann::json{{"name", "analyst"}, {"description", "reads all"}}).status, 204);
  EXPECT_EQ(get("/roles-by-id/" + id).at("description"), "reads all");
  // A rename carries the mappings along; the token shows the new name.
  ASSERT_EQ(api().admin("PUT", r() + "/roles-by-id/" + id, nlohmann::json{{"name", "auditor"}}).status, 204);
  EXPECT_EQ(api().admin("GET", r() + "/roles/analyst").status, 404);
  const auto renamed = get("/roles/auditor");
  EXPECT_EQ(renamed.at("id"), id);
  EXPECT_FALSE(renamed.contains("description")) << "a PUT without one clears it";
  EXPECT_THAT(names_of(get("/users/" + alice_id_ + "/role-mappings/realm")), Contains("auditor"));
  EXPECT_THAT(claims_of_login().at("realm_access").at("roles"), Contains("auditor"));

  ASSERT_EQ(api().admin("POST", r() + "/roles", nlohmann::json{{"name", "taken"}}).status, 201);
  const auto clash = api().admin("PUT", r() + "/roles/auditor", nlohmann::json{{"name", "taken"}});
  EXPECT_EQ(clash.status, 409);
  EXPECT_EQ(json_of(clash), (nlohmann::json{{"error", "conflict"}, {"error_description", "Duplicate resource error"}}));
  EXPECT_EQ(api().admin("PUT", r() + "/roles/auditor", nlohmann::json{{"description", "no name"}}).status, 500)
      << "Keycloak 26.5 fails on a role without a name";
  const auto unknown = api().admin("GET", r() + "/roles-by-id/no-such-role");
  EXPECT_EQ(unknown.status, 404);
  EXPECT_EQ(json_of(unknown), (nlohmann::json{{"error", "Could not find role with id"}}));
  EXPECT_EQ(api().admin("DELETE", r() + "/roles-by-id/" + id).status, 204);
  EXPECT_EQ(api().admin("GET", r() + "/roles/auditor").status, 404);
}

TEST_F(RolesAndMappers, ClientRolesTheirMappingsAndTokens) {
  const std::string other = api().create_client(realm(), {{"clientId", "reports"}});
  const std::string roles = "/clients/" + other + "/roles";
  const auto created = api().admin("POST", r() + roles, nlohmann::json{{"name", "editor"}, {"description", "edits"}});
  ASSERT_EQ(created.status, 201);
  EXPECT_THAT(created.header("Location"), ::testing::EndsWith(roles + "/editor"));
  EXPECT_EQ(json_of(api().admin("POST", r() + roles, nlohmann::json{{"name", "editor"}})),
            (nlohmann::json{{"errorMessage", "Role with name editor already exists"}}));
  const auto nameless = api().admin("POST", r() + roles, nlohmann::json{{"description", "x"}});
  EXPECT_EQ(nameless.status, 400);
  EXPECT_EQ(json_of(nameless), (nlohmann::json{{"error", "role has no name"}}));
  const auto role = get(roles + "/editor");
  EXPECT_EQ(role.at("clientRole"), true);
  EXPECT_EQ(role.at("containerId"), other);
  EXPECT_EQ(get("/roles-by-id/" + role.at("id").get<std::string>()).at("name"), "editor");
  EXPECT_EQ(names_of(get(roles)), nlohmann::json({"editor"}));

  const std::string mappings = "/users/" + alice_id_ + "/role-mappings";
  const auto missing = api().admin("POST", r() + mappings + "/clients/" + other,
                                   nlohmann::json::array({{{"id", "x"}, {"name", "nope"}}}));
  EXPECT_EQ(missing.status, 404);
  EXPECT_EQ(json_of(missing), (nlohmann::json{{"error", "Role not found"}}));
  ASSERT_EQ(api().admin("POST", r() + mappings + "/clients/" + other,
                        nlohmann::json::array({{{"id", role.at("id")}, {"name", "editor"}}})).status, 204);
  EXPECT_EQ(names_of(get(mappings + "/clients/" + other)), nlohmann::json({"editor"}));
  EXPECT_EQ(get(roles + "/editor/users").at(0).at("username"), "alice");
  const auto all = get(mappings);
  EXPECT_EQ(all.at("clientMappings").at("reports").at("client"), "reports");
  EXPECT_EQ(all.at("clientMappings").at("reports").at("id"), other);
  EXPECT_EQ(names_of(all.at("clientMappings").at("reports").at("mappings")), nlohmann::json({"editor"}));

  // In the token of another client: resource_access, and the role's client in the audience.
  const auto claims = claims_of_login();
  EXPECT_EQ(claims.at("resource_access").at("reports"), (nlohmann::json{{"roles", {"editor"}}}));
  EXPECT_THAT(claims.at("aud"), Contains("reports"));

  // A mapping names its role by name and id; either alone is not found.
  for (const nlohmann::json& partial : {nlohmann::json{{"name", "editor"}}, nlohmann::json{{"id", role.at("id")}}}) {
    EXPECT_EQ(api().admin("DELETE", r() + mappings + "/clients/" + other, nlohmann::json::array({partial})).status, 404);
    EXPECT_EQ(api().admin("POST", r() + mappings + "/realm",
                          nlohmann::json::array({{{"name", "offline_access"}}})).status, 404);
  }
  ASSERT_EQ(api().admin("DELETE", r() + mappings + "/clients/" + other,
                        nlohmann::json::array({{{"id", role.at("id")}, {"name", "editor"}}})).status, 204);
  EXPECT_TRUE(get(mappings + "/clients/" + other).empty());
  EXPECT_FALSE(get(mappings).contains("clientMappings"));
  EXPECT_FALSE(claims_of_login().at("resource_access").contains("reports"));
  EXPECT_EQ(api().admin("DELETE", r() + roles + "/editor").status, 204);
  EXPECT_EQ(json_of(api().admin("GET", r() + roles + "/editor")), (nlohmann::json{{"error", "Could not find role"}}));
}

TEST_F(RolesAndMappers, GroupsCanBeRenamedButNotToASiblingsName) {
  const auto first = api().admin("POST", r() + "/groups", nlohmann::json{{"name", "g1"}});
  ASSERT_EQ(api().admin("POST", r() + "/groups", nlohmann::json{{"name", "g2"}}).status, 201);
  const std::string id = id_from_location(first);
  EXPECT_EQ(api().admin("PUT", r() + "/groups/" + id, nlohmann::json{{"name", "g1b"}}).status, 204);
  EXPECT_EQ(get("/groups/" + id).at("path"), "/g1b");
  EXPECT_EQ(json_of(api().admin("PUT", r() + "/groups/" + id, nlohmann::json{{"name", "g2"}})),
            (nlohmann::json{{"errorMessage", "Sibling group named 'g2' already exists."}}));
  EXPECT_EQ(json_of(api().admin("PUT", r() + "/groups/" + id, nlohmann::json{{"attributes", {{"a", {"b"}}}}})),
            (nlohmann::json{{"errorMessage", "Group name is missing"}}));
}

TEST_F(RolesAndMappers, ClientScopeMappersAreManagedLikeClientMappersAndReachTokens) {
  const auto scope_created = api().admin("POST", r() + "/client-scopes",
                                         nlohmann::json{{"name", "tenant"}, {"protocol", "openid-connect"}});
  ASSERT_EQ(scope_created.status, 201);
  const std::string scope = id_from_location(scope_created);
  const std::string models = "/client-scopes/" + scope + "/protocol-mappers/models";
  const nlohmann::json mapper = {{"name", "tenant"},
                                 {"protocol", "openid-connect"},
                                 {"protocolMapper", "oidc-hardcoded-claim-mapper"},
                                 {"config", {{"claim.name", "tenant"}, {"claim.value", "acme"}, {"jsonType.label", "String"},
                                             {"access.token.claim", "true"}}}};
  const auto added = api().admin("POST", r() + models, mapper);
  ASSERT_EQ(added.status, 201);
  EXPECT_THAT(added.header("Location"), ::testing::HasSubstr(models + "/"));
  EXPECT_EQ(json_of(api().admin("POST", r() + models, mapper)),
            (nlohmann::json{{"errorMessage", "Protocol mapper exists with same name"}}));
  const auto several = api().admin("POST", r() + "/client-scopes/" + scope + "/protocol-mappers/add-models",
                                   nlohmann::json::array({mapper}));
  EXPECT_EQ(json_of(several),
            (nlohmann::json{{"error", "conflict"}, {"error_description", "Protocol mapper name must be unique per protocol"}}));
  const auto stored = get(models).at(0);
  EXPECT_EQ(stored.at("config").at("introspection.token.claim"), "true") << "follows access.token.claim";
  EXPECT_EQ(get("/client-scopes/" + scope).at("protocolMappers").size(), 1u);

  // Attached to the client as a default scope, its mapper adds the claim.
  ASSERT_EQ(api().admin("PUT", r() + "/clients/" + app_uuid_ + "/default-client-scopes/" + scope).status, 204);
  EXPECT_EQ(claims_of_login().at("tenant"), "acme");
  auto changed = stored;
  changed["config"]["claim.value"] = "globex";
  ASSERT_EQ(api().admin("PUT", r() + models + "/" + stored.at("id").get<std::string>(), changed).status, 204);
  EXPECT_EQ(claims_of_login().at("tenant"), "globex");
  ASSERT_EQ(api().admin("DELETE", r() + models + "/" + stored.at("id").get<std::string>()).status, 204);
  EXPECT_FALSE(claims_of_login().contains("tenant"));
  EXPECT_EQ(json_of(api().admin("GET", r() + models + "/no-such-mapper")), (nlohmann::json{{"error", "Model not found"}}));
}

TEST_F(RolesAndMappers, MapperRepresentationsAreCheckedAndCompletedLikeKeycloaks) {
  const std::string models = "/clients/" + app_uuid_ + "/protocol-mappers/models";
  const auto unknown = api().admin("POST", r() + models,
                                   nlohmann::json{{"name", "x"}, {"protocol", "openid-connect"}, {"protocolMapper", "oidc-made-up-mapper"}});
  EXPECT_EQ(unknown.status, 404);
  EXPECT_EQ(json_of(unknown), (nlohmann::json{{"error", "ProtocolMapper provider not found"}}));
  const auto nameless = api().admin("POST", r() + models,
                                    nlohmann::json{{"protocol", "openid-connect"}, {"protocolMapper", "oidc-hardcoded-claim-mapper"}});
  EXPECT_EQ(nameless.status, 409);
  EXPECT_EQ(json_of(nameless), (nlohmann::json{{"error", "conflict"}, {"error_description", "Duplicate resource error"}}));
  // introspection.token.claim follows access.token.claim, userinfo.token.claim follows
  // id.token.claim, unless given.
  struct Case {
    nlohmann::json config;
    nlohmann::json stored;
  };
  const std::vector<Case> cases = {
      {nlohmann::json::object(), nlohmann::json::object()},
      {{{"access.token.claim", "false"}}, {{"access.token.claim", "false"}, {"introspection.token.claim", "false"}}},
      {{{"id.token.claim", "true"}}, {{"id.token.claim", "true"}, {"userinfo.token.claim", "true"}}},
      {{{"access.token.claim", "true"}, {"introspection.token.claim", "false"}},
       {{"access.token.claim", "true"}, {"introspection.token.claim", "false"}}},
  };
  for (std::size_t i = 0; i < cases.size(); ++i) {
    const std::string name = "m" + std::to_string(i);
    ASSERT_EQ(api().admin("POST", r() + models,
                          nlohmann::json{{"name", name}, {"protocol", "openid-connect"},
                                         {"protocolMapper", "oidc-sub-mapper"}, {"config", cases[i].config}}).status, 201);
    for (const auto& stored : get(models)) {
      if (stored.at("name") == name) {
        EXPECT_EQ(stored.at("config"), cases[i].stored) << name;
      }
    }
  }
}

}  // namespace
}  // namespace mcph::keycloak_test
