// Contract tests for Keycloak as an authorization server for agents: a confidential client with
// service accounts and nothing else, its scopes as optional client scopes (what mcp-harness
// provisions for the agents, harness/provision keycloak_service_accounts.h), the client
// credentials grant by form and by Basic, and the errors RFC 6749 §5.2 names. Keycloak's own
// codes are kept where they differ from the RFC's (unauthorized_client for a wrong secret).
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <sstream>

#include "contract_fixture.h"
#include "mcph/codec/base64.h"

namespace mcph::keycloak_test {
namespace {

using ::testing::UnorderedElementsAre;

const std::string kBadCredentials = "Invalid client or Invalid client credentials";

std::vector<std::string> words(const std::string& text) {
  std::istringstream in(text);
  std::vector<std::string> out;
  for (std::string word; in >> word;) out.push_back(word);
  return out;
}

std::string basic(const std::string& id, const std::string& secret) {
  return "Basic " + codec::base64_encode(id + ":" + secret);
}

class ServiceAccountContract : public ContractTest {
 protected:
  void SetUp() override {
    ContractTest::SetUp();
    for (const char* scope : {"read", "write"}) {
      const auto created = api().admin("POST", "/" + realm() + "/client-scopes",
                                       nlohmann::json{{"name", scope},
                                                      {"protocol", "openid-connect"},
                                                      {"attributes", {{"include.in.token.scope", "true"}}}});
      ASSERT_EQ(created.status, 201) << created.body;
    }
    // agent-r may have read, and write only exists in the realm.
    agent_r_uuid_ = api().create_client(realm(), {{"clientId", "agent-r"},
                                                  {"secret", "agent-r-secret"},
                                                  {"serviceAccountsEnabled", true},
                                                  {"standardFlowEnabled", false},
                                                  {"directAccessGrantsEnabled", false},
                                                  {"defaultClientScopes", {"basic"}},
                                                  {"optionalClientScopes", {"read"}},
                                                  {"protocolMappers", {custom_audience("agent-bridge-mcp")}}});
  }

  std::string agent_r_uuid_;

  static nlohmann::json custom_audience(const std::string& audience) {
    return {{"name", audience + " audience"},
            {"protocol", "openid-connect"},
            {"protocolMapper", "oidc-audience-mapper"},
            {"config", {{"included.custom.audience", audience}, {"access.token.claim", "true"}, {"id.token.claim", "false"}}}};
  }

  http::ClientResponse by_form(const std::string& id, const std::string& secret, const std::string& scope = {},
                               const std::string& grant_type = "client_credentials") {
    http::Fields form{{"grant_type", grant_type}, {"client_id", id}, {"client_secret", secret}};
    if (!scope.empty()) form.emplace_back("scope", scope);
    return api().oidc_post(realm(), "token", form);
  }
  http::ClientResponse by_basic(const std::string& id, const std::string& secret, const std::string& scope = {}) {
    http::Fields form{{"grant_type", "client_credentials"}};
    if (!scope.empty()) form.emplace_back("scope", scope);
    return api().oidc_post(realm(), "token", form, {{"Authorization", basic(id, secret)}});
  }
};

// RFC 8414 metadata, where §3.1 puts it for the realm's issuer and appended to it: the realm's
// OpenID configuration, unchanged.
TEST_F(ServiceAccountContract, TheRealmsAuthorizationServerMetadataIsItsOpenIdConfiguration) {
  const auto openid = json_of(api().http().get("/realms/" + realm() + "/.well-known/openid-configuration"));
  for (const std::string& path : {"/.well-known/oauth-authorization-server/realms/" + realm(),
                                 "/realms/" + realm() + "/.well-known/oauth-authorization-server"}) {
    const auto response = api().http().get(path);
    ASSERT_EQ(response.status, 200) << path << ": " << response.body;
    const auto metadata = json_of(response);
    EXPECT_EQ(metadata, openid) << path;
    EXPECT_EQ(metadata.at("issuer"), api().issuer(realm()));
    EXPECT_THAT(metadata.at("grant_types_supported").get<std::vector<std::string>>(), ::testing::Contains("client_credentials"));
    const auto methods = metadata.at("token_endpoint_auth_methods_supported").get<std::vector<std::string>>();
    EXPECT_THAT(methods, ::testing::IsSupersetOf({"client_secret_basic", "client_secret_post"}));
  }
  const auto unknown = api().http().get("/.well-known/oauth-authorization-server/realms/no-such-realm-" + random_suffix());
  EXPECT_EQ(unknown.status, 404);
  EXPECT_EQ(json_of(unknown), nlohmann::json({{"error", "Realm does not exist"}}));
}

TEST_F(ServiceAccountContract, TheClientCredentialsGrantAnswersByFormAndByBasic) {
  for (const auto& response : {by_form("agent-r", "agent-r-secret"), by_basic("agent-r", "agent-r-secret")}) {
    ASSERT_EQ(response.status, 200) << response.body;
    EXPECT_EQ(response.header("Cache-Control"), "no-store");
    const auto body = json_of(response);
    EXPECT_EQ(body.at("token_type"), "Bearer");
    EXPECT_THAT(body.at("expires_in").get<int>(), expires_in_of(300));
    // No refresh token unless the client's client_credentials.use_refresh_token is on.
    EXPECT_FALSE(body.contains("refresh_token")) << body.dump();
    EXPECT_EQ(body.value("refresh_expires_in", -1), 0);
    EXPECT_FALSE(body.contains("id_token"));
  }
}

TEST_F(ServiceAccountContract, TheTokenNamesTheRealmTheClientAndTheAudience) {
  const auto response = by_form("agent-r", "agent-r-secret", "read");
  ASSERT_EQ(response.status, 200) << response.body;
  const auto token = json_of(response).at("access_token").get<std::string>();
  const auto verified = api().verify(realm(), token, "agent-bridge-mcp");
  const auto claims = claims_of(token);
  EXPECT_EQ(claims.at("iss"), api().issuer(realm()));
  EXPECT_EQ(claims.at("aud"), "agent-bridge-mcp");  // one audience: a string; no "account" without the roles scope
  EXPECT_EQ(claims.at("azp"), "agent-r");
  EXPECT_EQ(claims.at("client_id"), "agent-r");
  EXPECT_EQ(claims.at("typ"), "Bearer");
  EXPECT_EQ(claims.at("exp").get<long long>() - claims.at("iat").get<long long>(), 300);
  ASSERT_TRUE(claims.at("jti").is_string());
  EXPECT_FALSE(claims.at("jti").get<std::string>().empty());
  // sub is the service-account user (the basic scope's mapper), not the client.
  const auto found = api().admin("GET", "/" + realm() + "/clients/" + agent_r_uuid_ + "/service-account-user");
  ASSERT_EQ(found.status, 200) << found.body;
  const auto user = json_of(found);
  EXPECT_EQ(user.at("username"), "service-account-agent-r");
  EXPECT_EQ(claims.at("sub"), user.at("id"));
  EXPECT_FALSE(claims.contains("sid"));
  EXPECT_FALSE(claims.contains("email")) << "no profile or email scope: " << claims.dump();
  EXPECT_EQ(claims.at("scope"), "read");
  EXPECT_EQ(json_of(response).at("scope"), "read");
}

TEST_F(ServiceAccountContract, AScopeIsGrantedOnlyWhenAskedForAndOnlyFromTheClientsScopes) {
  const auto plain = by_form("agent-r", "agent-r-secret");
  ASSERT_EQ(plain.status, 200) << plain.body;
  EXPECT_THAT(words(claims_of(json_of(plain).at("access_token")).value("scope", "")), ::testing::IsEmpty());
  const auto asked = by_basic("agent-r", "agent-r-secret", "read");
  ASSERT_EQ(asked.status, 200) << asked.body;
  EXPECT_THAT(words(json_of(asked).at("scope")), UnorderedElementsAre("read"));
  // write is a scope of the realm, not of the client; read-all is no scope at all.
  expect_oauth_error(by_form("agent-r", "agent-r-secret", "write"), 400, "invalid_scope", "Invalid scopes: write");
  expect_oauth_error(by_form("agent-r", "agent-r-secret", "read write"), 400, "invalid_scope", "Invalid scopes: read write");
  expect_oauth_error(by_form("agent-r", "agent-r-secret", "read-all"), 400, "invalid_scope", "Invalid scopes: read-all");
}

TEST_F(ServiceAccountContract, GrantTypesTheClientMayNotUseOrNobodyServes) {
  // The password grant is served, but not to a client without direct access grants.
  expect_oauth_error(by_form("agent-r", "agent-r-secret", "", "password"), 400, "unauthorized_client",
                     "Client not allowed for direct access grants");
  expect_oauth_error(by_form("agent-r", "agent-r-secret", "", "urn:example:no-such-grant"), 400, "unsupported_grant_type",
                     "Unsupported grant_type");
}

TEST_F(ServiceAccountContract, AFailedClientAuthenticationIs401ByFormAndByBasic) {
  for (const auto& response : {by_form("no-such-client", "agent-r-secret"), by_basic("no-such-client", "agent-r-secret")}) {
    expect_oauth_error(response, 401, "invalid_client", kBadCredentials);
    EXPECT_EQ(response.header("Cache-Control"), "no-store");
  }
  // A known client with a wrong secret: Keycloak's unauthorized_client, where RFC 6749 §5.2 has invalid_client.
  for (const auto& response : {by_form("agent-r", "wrong"), by_basic("agent-r", "wrong")}) {
    expect_oauth_error(response, 401, "unauthorized_client", kBadCredentials);
  }
  expect_oauth_error(api().oidc_post(realm(), "token", {{"grant_type", "client_credentials"}, {"client_id", "agent-r"}}), 401,
                     "unauthorized_client", kBadCredentials);
}

TEST_F(ServiceAccountContract, AFailedBasicAuthenticationChallengesAsKeycloakDoes) {
  const auto unknown = by_basic("no-such-client", "x");
  const auto wrong = by_basic("agent-r", "wrong");
  EXPECT_EQ(unknown.status, 401);
  EXPECT_EQ(wrong.status, 401);
  // Keycloak sends no WWW-Authenticate with its 401 (RFC 6749 §5.2 asks for one after Basic).
  EXPECT_EQ(unknown.header("WWW-Authenticate"), "");
  EXPECT_EQ(wrong.header("WWW-Authenticate"), "");
}

TEST_F(ServiceAccountContract, ARefreshTokenOnlyWhenTheClientAsksForOne) {
  api().create_client(realm(), {{"clientId", "agent-t"},
                                {"secret", "agent-t-secret"},
                                {"serviceAccountsEnabled", true},
                                {"standardFlowEnabled", false},
                                {"attributes", {{"client_credentials.use_refresh_token", "true"}}}});
  const auto response = by_form("agent-t", "agent-t-secret");
  ASSERT_EQ(response.status, 200) << response.body;
  const auto body = json_of(response);
  EXPECT_TRUE(body.contains("refresh_token")) << body.dump();
  EXPECT_TRUE(claims_of(body.at("access_token")).contains("sid"));
}

}  // namespace
}  // namespace mcph::keycloak_test
