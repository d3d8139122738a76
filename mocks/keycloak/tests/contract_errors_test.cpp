// Contract tests for the token endpoint's errors, Keycloak's traps (direct grants off by
// default, incomplete profiles, omitted "enabled") and malformed requests.
#include <gtest/gtest.h>

#include "contract_fixture.h"

namespace mcph::keycloak_test {
namespace {

const std::string kBadCredentials = "Invalid client or Invalid client credentials";

TEST_F(ContractTest, WrongPasswordAndUnknownUserAreInvalidGrant401) {
  expect_oauth_error(try_login("alice", "wrong"), 401, "invalid_grant", "Invalid user credentials");
  expect_oauth_error(try_login("nobody", "alice-pw"), 401, "invalid_grant", "Invalid user credentials");
  const auto response = try_login("alice", "wrong");
  EXPECT_EQ(response.header("Cache-Control"), "no-store");
  EXPECT_EQ(response.header("Pragma"), "no-cache");
}

TEST_F(ContractTest, ClientAuthenticationFailures) {
  expect_oauth_error(try_login("alice", "alice-pw", "no-such-client", "x"), 401, "invalid_client",
                     kBadCredentials);
  expect_oauth_error(try_login("alice", "alice-pw", "app", "wrong-secret"), 401, "unauthorized_client",
                     kBadCredentials);
  expect_oauth_error(try_login("alice", "alice-pw", "app", ""), 401, "unauthorized_client", kBadCredentials);
  const auto no_client = api().oidc_post(
      realm(), "token", {{"grant_type", "password"}, {"username", "alice"}, {"password", "alice-pw"}});
  expect_oauth_error(no_client, 401, "invalid_client", kBadCredentials);
}

TEST_F(ContractTest, MissingAndUnsupportedGrantTypes) {
  expect_oauth_error(
      api().oidc_post(realm(), "token", {{"client_id", "app"}, {"client_secret", "app-secret"}}), 400,
      "invalid_request", "Missing form parameter: grant_type");
  expect_oauth_error(api().oidc_post(realm(), "token", {{"grant_type", "magic"}, {"client_id", "app"}}), 400,
                     "unsupported_grant_type", "Unsupported grant_type");
}

TEST_F(ContractTest, DirectGrantsAreOffByDefaultForNewClients) {
  api().create_client(realm(), {{"clientId", "web"}, {"secret", "web-secret"}});
  expect_oauth_error(try_login("alice", "alice-pw", "web", "web-secret"), 400, "unauthorized_client",
                     "Client not allowed for direct access grants");
  const auto clients = json_of(api().admin("GET", "/" + realm() + "/clients?clientId=web"));
  ASSERT_EQ(clients.size(), 1u);
  EXPECT_EQ(clients[0].at("directAccessGrantsEnabled"), false);
  EXPECT_EQ(clients[0].at("standardFlowEnabled"), true);
  EXPECT_EQ(clients[0].at("serviceAccountsEnabled"), false);
  EXPECT_EQ(clients[0].at("publicClient"), false);
}

TEST_F(ContractTest, ClientCredentialsNeedsAConfidentialClientWithServiceAccounts) {
  api().create_client(realm(), {{"clientId", "nosa"}, {"secret", "nosa-secret"}});
  expect_oauth_error(
      api().oidc_post(
          realm(), "token",
          {{"grant_type", "client_credentials"}, {"client_id", "nosa"}, {"client_secret", "nosa-secret"}}),
      401, "unauthorized_client", "Client not enabled to retrieve service account");
  expect_oauth_error(
      api().oidc_post(realm(), "token", {{"grant_type", "client_credentials"}, {"client_id", "admin-cli"}}),
      401, "unauthorized_client", "Public client not allowed to retrieve service account");
}

TEST_F(ContractTest, UnknownScopeIsInvalidScope) {
  const auto response =
      api().password_grant(realm(), "app", "app-secret", "alice", "alice-pw", "bogus-scope");
  expect_oauth_error(response, 400, "invalid_scope", "Invalid scopes: bogus-scope");
}

TEST_F(ContractTest, OmittedEnabledMeansADisabledUser) {
  auto rep = user_rep("dora", "dora-pw");
  rep.erase("enabled");
  const std::string id = api().create_user(realm(), rep);
  EXPECT_EQ(json_of(api().admin("GET", "/" + realm() + "/users/" + id)).at("enabled"), false);
  expect_oauth_error(try_login("dora", "dora-pw"), 400, "invalid_grant", "Account disabled");
  expect_oauth_error(try_login("dora", "wrong"), 400, "invalid_grant", "Account disabled");
}

TEST_F(ContractTest, UserWithoutEmailOrNamesIsNotFullySetUp) {
  auto rep = user_rep("erin", "erin-pw");
  rep.erase("email");
  api().create_user(realm(), rep);
  expect_oauth_error(try_login("erin", "erin-pw"), 400, "invalid_grant", "Account is not fully set up");
  auto nameless = user_rep("finn", "finn-pw");
  nameless.erase("lastName");
  api().create_user(realm(), nameless);
  expect_oauth_error(try_login("finn", "finn-pw"), 400, "invalid_grant", "Account is not fully set up");
}

TEST_F(ContractTest, TemporaryPasswordIsNotFullySetUp) {
  const auto reset =
      api().admin("PUT", "/" + realm() + "/users/" + alice_id_ + "/reset-password",
                  nlohmann::json{{"type", "password"}, {"value", "temp-pw"}, {"temporary", true}});
  ASSERT_EQ(reset.status, 204) << reset.body;
  expect_oauth_error(try_login("alice", "temp-pw"), 400, "invalid_grant", "Account is not fully set up");
}

TEST_F(ContractTest, RefreshFailures) {
  const std::string refresh_token = login().at("refresh_token");
  expect_oauth_error(
      api().oidc_post(
          realm(), "token",
          {{"grant_type", "refresh_token"}, {"client_id", "app"}, {"client_secret", "app-secret"}}),
      400, "invalid_request", "No refresh token");
  expect_oauth_error(refresh("not-a-token"), 400, "invalid_grant", "Invalid refresh token");
  api().create_client(
      realm(), {{"clientId", "other"}, {"secret", "other-secret"}, {"directAccessGrantsEnabled", true}});
  expect_oauth_error(refresh(refresh_token, "other", "other-secret"), 400, "invalid_grant",
                     "Invalid refresh token. Token client and authorized client don't match");
}

TEST_F(ContractTest, RefreshAfterTheUserIsDisabledIsUserDisabled) {
  const std::string refresh_token = login().at("refresh_token");
  ASSERT_EQ(
      api().admin("PUT", "/" + realm() + "/users/" + alice_id_, nlohmann::json{{"enabled", false}}).status,
      204);
  expect_oauth_error(refresh(refresh_token), 400, "invalid_grant", "User disabled");
  expect_oauth_error(try_login("alice", "alice-pw"), 400, "invalid_grant", "Account disabled");
}

TEST_F(ContractTest, DuplicatedParameterIsInvalidRequest) {
  const auto response = api().oidc_post(realm(), "token",
                                        {{"grant_type", "password"},
                                         {"client_id", "app"},
                                         {"client_secret", "app-secret"},
                                         {"username", "alice"},
                                         {"username", "bob"},
                                         {"password", "alice-pw"}});
  expect_oauth_error(response, 400, "invalid_request", "duplicated parameter");
}

// Keycloak reads form parameters whatever the body: a JSON body has none.
TEST_F(ContractTest, TokenEndpointReadsNoParametersFromNonFormBodies) {
  const auto response = api().http().post("/realms/" + realm() + "/protocol/openid-connect/token",
                                          R"({"grant_type":"password"})", "application/json");
  expect_oauth_error(response, 400, "invalid_request", "Missing form parameter: grant_type");
}

TEST_F(ContractTest, OversizedBodyIs413) {
  // Above Quarkus' default 10 MiB body limit, which mock-keycloak shares.
  const std::string body = "grant_type=password&padding=" + std::string(10 * 1024 * 1024 + 1024, 'x');
  // Keycloak answers 413 and closes the connection while the body is still being sent, so a
  // client may see either the 413 or a connection closed mid-request; never a 200 or a 500.
  try {
    const auto response = api().http().post("/realms/" + realm() + "/protocol/openid-connect/token", body,
                                            "application/x-www-form-urlencoded");
    EXPECT_EQ(response.status, 413);
  } catch (const http::TransportError&) {
  }
  // The server still answers afterwards.
  EXPECT_EQ(try_login("alice", "alice-pw").status, 200);
}

TEST_F(ContractTest, InvalidJsonOnAdminCallsIs400) {
  for (const std::string body : {"{not json", "[1,2]", "\"text\""}) {
    const auto response = api().http().post("/admin/realms/" + realm() + "/users", body, "application/json",
                                            {{"Authorization", "Bearer " + api().admin_token()}});
    EXPECT_EQ(response.status, 400) << body << " → " << response.body;
    const auto error = nlohmann::json::parse(response.body, nullptr, false);
    EXPECT_TRUE(error.is_object() && error.contains("error")) << response.body;
  }
  // Well-formed JSON of the wrong shape for a member is refused too.
  const auto wrong_type =
      api().admin("POST", "/" + realm() + "/users", nlohmann::json{{"username", "x"}, {"credentials", "no"}});
  EXPECT_EQ(wrong_type.status, 400) << wrong_type.body;
}

TEST_F(ContractTest, UnknownPathsAndMethodsGetJsonErrors) {
  const auto missing = api().http().get("/realms/" + realm() + "/protocol/openid-connect/nothing-here");
  EXPECT_EQ(missing.status, 404);
  const auto wrong_method = api().http().get("/realms/" + realm() + "/protocol/openid-connect/token");
  EXPECT_EQ(wrong_method.status, 405);
  for (const auto* response : {&missing, &wrong_method}) {
    const auto body = nlohmann::json::parse(response->body, nullptr, false);
    EXPECT_TRUE(body.is_object() && body.contains("error")) << response->body;
  }
}

}  // namespace
}  // namespace mcph::keycloak_test
