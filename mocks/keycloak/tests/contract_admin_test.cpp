// Contract tests for the admin REST API: who may call it, and the user and client lifecycles.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "contract_fixture.h"

namespace mcph::keycloak_test {
namespace {

using ::testing::Contains;

std::vector<std::string> usernames(const nlohmann::json& users) {
  std::vector<std::string> names;
  for (const auto& user : users) names.push_back(user.at("username"));
  return names;
}

TEST_F(ContractTest, AdminCallsNeedAnAdministratorsToken) {
  const std::string path = "/admin/realms/" + realm() + "/users";
  const auto anonymous = api().http().get(path);
  EXPECT_EQ(anonymous.status, 401);
  EXPECT_EQ(json_of(anonymous).value("error", ""), "HTTP 401 Unauthorized");
  EXPECT_EQ(api().http().get(path, {{"Authorization", "Bearer not.a.token"}}).status, 401);

  // A master-realm user without the admin role: authenticated, not allowed.
  auto viewer = user_rep("viewer-" + random_suffix(), "viewer-pw");
  create_master_user(viewer);
  const auto viewer_login =
      api().password_grant("master", "admin-cli", "", viewer.at("username"), "viewer-pw");
  ASSERT_EQ(viewer_login.status, 200) << viewer_login.body;
  const auto forbidden = api().http().get(
      path, {{"Authorization", "Bearer " + json_of(viewer_login).at("access_token").get<std::string>()}});
  EXPECT_EQ(forbidden.status, 403);
  EXPECT_EQ(json_of(forbidden).value("error", ""), "HTTP 403 Forbidden");

  // A user of the realm itself holds no realm-management role either.
  const std::string alice_token = login().at("access_token");
  EXPECT_EQ(api().http().get(path, {{"Authorization", "Bearer " + alice_token}}).status, 403);
}

TEST_F(ContractTest, UnknownRealmOnTheAdminApiIsRealmNotFound) {
  const auto response = api().admin("GET", "/no-such-realm-" + random_suffix() + "/users");
  EXPECT_EQ(response.status, 404);
  EXPECT_EQ(json_of(response), nlohmann::json({{"error", "Realm not found."}}));
}

// The current @keycloak/keycloak-admin-client lists users with a trailing slash; RESTEasy serves it.
TEST_F(ContractTest, AdminPathsWithATrailingSlashAreServed) {
  const auto users = api().admin("GET", "/" + realm() + "/users/?username=alice&exact=true");
  ASSERT_EQ(users.status, 200) << users.body;
  ASSERT_EQ(json_of(users).size(), 1u);
  EXPECT_EQ(json_of(users)[0].at("id"), alice_id_);
  EXPECT_EQ(api().admin("GET", "/" + realm() + "/clients/?clientId=app").status, 200);
}

TEST_F(ContractTest, UserLifecycle) {
  const std::string r = "/" + realm();
  auto rep = user_rep("Dave.Mixed", "dave-pw");
  rep["email"] = "Dave@Example.com";
  const auto created = api().admin("POST", r + "/users", rep);
  ASSERT_EQ(created.status, 201) << created.body;
  EXPECT_TRUE(created.body.empty());
  const std::string id = id_from_location(created);
  EXPECT_THAT(created.header("Location"), ::testing::EndsWith("/admin/realms/" + realm() + "/users/" + id));

  const auto user = json_of(api().admin("GET", r + "/users/" + id));
  EXPECT_EQ(user.at("username"), "dave.mixed");  // stored lower-case
  EXPECT_EQ(user.at("email"), "dave@example.com");
  EXPECT_EQ(user.at("enabled"), true);
  EXPECT_EQ(user.at("firstName"), "Dave.Mixed");

  EXPECT_EQ(usernames(json_of(api().admin("GET", r + "/users?username=dave.mixed&exact=true"))),
            std::vector<std::string>{"dave.mixed"});
  EXPECT_TRUE(json_of(api().admin("GET", r + "/users?username=dave&exact=true")).empty());
  EXPECT_EQ(usernames(json_of(api().admin("GET", r + "/users?username=dave"))),
            std::vector<std::string>{"dave.mixed"});
  EXPECT_EQ(usernames(json_of(api().admin("GET", r + "/users?search=dave"))),
            std::vector<std::string>{"dave.mixed"});
  const auto all = json_of(api().admin("GET", r + "/users"));
  EXPECT_THAT(usernames(all), Contains("alice"));
  EXPECT_THAT(usernames(all), ::testing::Not(Contains("service-account-app")));
  EXPECT_EQ(json_of(api().admin("GET", r + "/users?first=0&max=1")).size(), 1u);
  EXPECT_EQ(json_of(api().admin("GET", r + "/users?first=1&max=10")).size(), all.size() - 1);

  ASSERT_EQ(api().admin("PUT", r + "/users/" + id, nlohmann::json{{"firstName", "David"}}).status, 204);
  EXPECT_EQ(json_of(api().admin("GET", r + "/users/" + id)).at("firstName"), "David");

  ASSERT_EQ(api()
                .admin("PUT", r + "/users/" + id + "/reset-password",
                       nlohmann::json{{"type", "password"}, {"value", "new-pw"}, {"temporary", false}})
                .status,
            204);
  EXPECT_EQ(try_login("dave.mixed", "new-pw").status, 200);
  EXPECT_EQ(try_login("dave.mixed", "dave-pw").status, 401);

  ASSERT_EQ(api().admin("PUT", r + "/users/" + id, nlohmann::json{{"enabled", false}}).status, 204);
  expect_oauth_error(try_login("dave.mixed", "new-pw"), 400, "invalid_grant", "Account disabled");
  ASSERT_EQ(api().admin("PUT", r + "/users/" + id, nlohmann::json{{"enabled", true}}).status, 204);
  EXPECT_EQ(try_login("dave.mixed", "new-pw").status, 200);

  EXPECT_EQ(api().admin("DELETE", r + "/users/" + id).status, 204);
  const auto gone = api().admin("GET", r + "/users/" + id);
  EXPECT_EQ(gone.status, 404);
  EXPECT_EQ(json_of(gone), nlohmann::json({{"error", "User not found"}}));
  EXPECT_EQ(try_login("dave.mixed", "new-pw").status, 401);
}

TEST_F(ContractTest, DuplicateUsersConflict) {
  auto same_name = user_rep("ALICE", "x");
  same_name["email"] = "someone-else@example.com";
  const auto name_taken = api().admin("POST", "/" + realm() + "/users", same_name);
  EXPECT_EQ(name_taken.status, 409);
  EXPECT_EQ(json_of(name_taken), nlohmann::json({{"errorMessage", "User exists with same username"}}));
  // Both taken: the email is what Keycloak reports.
  const auto both_taken = api().admin("POST", "/" + realm() + "/users", user_rep("ALICE", "x"));
  EXPECT_EQ(both_taken.status, 409);
  EXPECT_EQ(json_of(both_taken), nlohmann::json({{"errorMessage", "User exists with same email"}}));
  auto same_email = user_rep("alice2", "x");
  same_email["email"] = "alice@example.com";
  const auto response = api().admin("POST", "/" + realm() + "/users", same_email);
  EXPECT_EQ(response.status, 409);
  EXPECT_EQ(json_of(response), nlohmann::json({{"errorMessage", "User exists with same email"}}));
}

TEST_F(ContractTest, ClientLifecycle) {
  const std::string r = "/" + realm();
  const std::string uuid = api().create_client(realm(), {{"clientId", "svc"}});
  const auto listed = json_of(api().admin("GET", r + "/clients?clientId=svc"));
  ASSERT_EQ(listed.size(), 1u);
  EXPECT_EQ(listed[0].at("id"), uuid);
  EXPECT_EQ(listed[0].at("enabled"), true);
  const auto client = json_of(api().admin("GET", r + "/clients/" + uuid));
  EXPECT_EQ(client.at("clientId"), "svc");
  EXPECT_EQ(client.at("protocol"), "openid-connect");

  const auto secret = json_of(api().admin("GET", r + "/clients/" + uuid + "/client-secret"));
  EXPECT_EQ(secret.at("type"), "secret");
  const std::string value = secret.at("value");
  EXPECT_FALSE(value.empty());

  auto update = client;
  update["directAccessGrantsEnabled"] = true;
  ASSERT_EQ(api().admin("PUT", r + "/clients/" + uuid, update).status, 204);
  const auto mapper =
      api().admin("POST", r + "/clients/" + uuid + "/protocol-mappers/models", audience_mapper("svc"));
  ASSERT_EQ(mapper.status, 201) << mapper.body;
  const auto tokens = json_of(try_login("alice", "alice-pw", "svc", value));
  const auto verified = api().verify(realm(), tokens.at("access_token"), "svc");
  EXPECT_EQ(verified.sub, alice_id_);

  const auto duplicate = api().admin("POST", r + "/clients", nlohmann::json{{"clientId", "svc"}});
  EXPECT_EQ(duplicate.status, 409);
  EXPECT_EQ(json_of(duplicate), nlohmann::json({{"errorMessage", "Client svc already exists"}}));

  EXPECT_EQ(api().admin("DELETE", r + "/clients/" + uuid).status, 204);
  EXPECT_EQ(api().admin("GET", r + "/clients/" + uuid).status, 404);
  expect_oauth_error(try_login("alice", "alice-pw", "svc", value), 401, "invalid_client");
}

TEST_F(ContractTest, NewRealmsNeedEnabledToBeUsable) {
  const std::string name = "ct-off-" + random_suffix();
  api().create_realm({{"realm", name}});
  const auto rep = json_of(api().admin("GET", "/" + name));
  EXPECT_EQ(rep.at("enabled"), false);
  EXPECT_EQ(rep.at("accessTokenLifespan"), 300);
  const auto token = api().password_grant(name, "admin-cli", "", "nobody", "x");
  api().delete_realm(name);
  expect_oauth_error(token, 403, "access_denied", "Realm not enabled");
  const auto duplicate = api().admin("POST", "", nlohmann::json{{"realm", realm()}});
  EXPECT_EQ(duplicate.status, 409);
}

TEST_F(ContractTest, RealmRepresentationWithUsersAndClientsImportsThem) {
  const std::string name = "ct-import-" + random_suffix();
  api().create_realm({{"realm", name},
                      {"enabled", true},
                      {"accessTokenLifespan", 120},
                      {"clients",
                       {{{"clientId", "imported"},
                         {"secret", "imported-secret"},
                         {"directAccessGrantsEnabled", true},
                         {"protocolMappers", {audience_mapper("imported")}}}}},
                      {"users", {user_rep("zed", "zed-pw")}}});
  RealmCleanup cleanup{api(), name};
  const auto response = api().password_grant(name, "imported", "imported-secret", "zed", "zed-pw");
  ASSERT_EQ(response.status, 200) << response.body;
  const auto tokens = json_of(response);
  EXPECT_THAT(tokens.at("expires_in").get<int>(), expires_in_of(120));
  const auto verified = api().verify(name, tokens.at("access_token"), "imported");
  const auto users = json_of(api().admin("GET", "/" + name + "/users?username=zed&exact=true"));
  ASSERT_EQ(users.size(), 1u);
  EXPECT_EQ(verified.sub, users[0].at("id").get<std::string>());
}

TEST_F(ContractTest, RealmUpdateChangesTheAccessTokenLifespan) {
  ASSERT_EQ(api()
                .admin("PUT", "/" + realm(), nlohmann::json{{"realm", realm()}, {"accessTokenLifespan", 90}})
                .status,
            204);
  EXPECT_EQ(json_of(api().admin("GET", "/" + realm())).at("accessTokenLifespan"), 90);
  EXPECT_THAT(login().at("expires_in").get<int>(), expires_in_of(90));
}

}  // namespace
}  // namespace mcph::keycloak_test
