// Contract tests for client scopes: the realm's built-in scopes, custom scopes with protocol
// mappers, attaching them to a client as optional scopes, and what a token requested with such a
// scope carries (the per-resource audience mcp-harness gives each MCP server).
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <set>
#include <sstream>

#include "contract_fixture.h"

namespace mcph::keycloak_test {
namespace {

using ::testing::Contains;
using ::testing::Not;

nlohmann::json custom_audience_mapper(const std::string& name, const std::string& audience) {
  return {{"name", name},
          {"protocol", "openid-connect"},
          {"protocolMapper", "oidc-audience-mapper"},
          {"config",
           {{"included.custom.audience", audience}, {"access.token.claim", "true"}, {"id.token.claim", "false"}}}};
}

class ClientScopeContract : public ContractTest {
 protected:
  // Creates the scope "resource-a" (a custom audience and a client audience) and returns its id.
  std::string create_resource_scope() {
    const auto created = api().admin(
        "POST", "/" + realm() + "/client-scopes",
        nlohmann::json{{"name", "resource-a"},
                       {"protocol", "openid-connect"},
                       {"attributes", {{"include.in.token.scope", "true"}}},
                       {"protocolMappers",
                        {custom_audience_mapper("resource", "http://127.0.0.1:3001/mcp"), audience_mapper("app")}}});
    EXPECT_EQ(created.status, 201) << created.body;
    for (const auto& scope : json_of(api().admin("GET", "/" + realm() + "/client-scopes"))) {
      if (scope.at("name") == "resource-a") return scope.at("id");
    }
    ADD_FAILURE() << "the new scope is not listed";
    return "";
  }
};

TEST_F(ClientScopeContract, ARealmComesWithKeycloaksBuiltInScopes) {
  std::set<std::string> names;
  for (const auto& scope : json_of(api().admin("GET", "/" + realm() + "/client-scopes"))) names.insert(scope.at("name"));
  for (const char* name : {"profile", "email", "roles", "web-origins", "acr", "basic", "offline_access"}) {
    EXPECT_THAT(names, Contains(name));
  }
}

TEST_F(ClientScopeContract, CustomScopesAreCreatedOnceAndListWithTheirMappers) {
  const std::string id = create_resource_scope();
  const auto scope = json_of(api().admin("GET", "/" + realm() + "/client-scopes/" + id));
  EXPECT_EQ(scope.at("name"), "resource-a");
  EXPECT_EQ(scope.at("protocolMappers").size(), 2u);
  const auto again = api().admin("POST", "/" + realm() + "/client-scopes",
                                 nlohmann::json{{"name", "resource-a"}, {"protocol", "openid-connect"}});
  EXPECT_EQ(again.status, 409);
  EXPECT_EQ(json_of(again), nlohmann::json({{"errorMessage", "Client Scope resource-a already exists"}}));
}

TEST_F(ClientScopeContract, AttachingAnOptionalScopeIsIdempotentAndNamesUnknownScopes) {
  const std::string id = create_resource_scope();
  const std::string path = "/" + realm() + "/clients/" + app_uuid_ + "/optional-client-scopes";
  EXPECT_EQ(api().admin("PUT", path + "/" + id).status, 204);
  EXPECT_EQ(api().admin("PUT", path + "/" + id).status, 204);
  const auto unknown = api().admin("PUT", path + "/no-such-scope");
  EXPECT_EQ(unknown.status, 404);
  EXPECT_EQ(json_of(unknown), nlohmann::json({{"error", "Client scope not found"}}));
  std::vector<std::string> names;
  for (const auto& scope : json_of(api().admin("GET", path))) names.push_back(scope.at("name"));
  EXPECT_THAT(names, Contains("resource-a"));
  EXPECT_THAT(names, Contains("offline_access"));
}

TEST_F(ClientScopeContract, ATokenCarriesTheAudiencesOfTheScopesItWasRequestedWith) {
  const std::string id = create_resource_scope();
  ASSERT_EQ(api().admin("PUT", "/" + realm() + "/clients/" + app_uuid_ + "/optional-client-scopes/" + id).status, 204);
  // Without the scope: no resource audience.
  const auto plain = claims_of(login().at("access_token"));
  EXPECT_THAT(audiences(plain), Not(Contains("http://127.0.0.1:3001/mcp")));
  // With it: the resource's audience, and the scope in the scope claim; the ID token is the
  // client's as ever.
  const auto tokens = login("alice", "alice-pw", "openid resource-a");
  const auto access = claims_of(tokens.at("access_token"));
  EXPECT_THAT(audiences(access), Contains("http://127.0.0.1:3001/mcp"));
  EXPECT_THAT(audiences(access), Contains("app"));
  // Keycloak lists the granted scopes in no fixed order.
  std::vector<std::string> granted;
  std::istringstream words(access.at("scope").get<std::string>());
  for (std::string word; words >> word;) granted.push_back(word);
  EXPECT_THAT(granted, Contains("openid"));
  EXPECT_THAT(granted, Contains("resource-a"));
  EXPECT_EQ(claims_of(tokens.at("id_token")).at("aud"), "app");
}

}  // namespace
}  // namespace mcph::keycloak_test
