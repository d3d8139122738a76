// Contract tests for the OIDC side: discovery, JWKS, the three grants and the shape of the
// tokens. They speak HTTP only, so MCPH_KEYCLOAK_URL can point them at a real Keycloak 26.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "contract_fixture.h"
#include "mcph/http/url.h"

namespace mcph::keycloak_test {
namespace {

using ::testing::Contains;
using ::testing::HasSubstr;
using ::testing::MatchesRegex;

TEST_F(ContractTest, DiscoveryDocumentNamesTheRealmsEndpoints) {
  const auto response = api().http().get("/realms/" + realm() + "/.well-known/openid-configuration");
  ASSERT_EQ(response.status, 200) << response.body;
  const auto doc = json_of(response);
  const std::string issuer = api().issuer(realm());
  EXPECT_EQ(doc.at("issuer"), issuer);
  EXPECT_EQ(doc.at("token_endpoint"), issuer + "/protocol/openid-connect/token");
  EXPECT_EQ(doc.at("jwks_uri"), issuer + "/protocol/openid-connect/certs");
  EXPECT_EQ(doc.at("userinfo_endpoint"), issuer + "/protocol/openid-connect/userinfo");
  EXPECT_EQ(doc.at("introspection_endpoint"), issuer + "/protocol/openid-connect/token/introspect");
  EXPECT_EQ(doc.at("end_session_endpoint"), issuer + "/protocol/openid-connect/logout");
  const auto grants = doc.at("grant_types_supported").get<std::vector<std::string>>();
  for (const char* grant : {"password", "client_credentials", "refresh_token"})
    EXPECT_THAT(grants, Contains(grant));
  EXPECT_THAT(doc.at("id_token_signing_alg_values_supported").get<std::vector<std::string>>(),
              Contains("RS256"));

  const auto realm_info = json_of(api().http().get("/realms/" + realm()));
  EXPECT_EQ(realm_info.at("realm"), realm());
  EXPECT_EQ(realm_info.at("token-service"), issuer + "/protocol/openid-connect");
  EXPECT_FALSE(realm_info.at("public_key").get<std::string>().empty());
}

TEST_F(ContractTest, UnknownRealmIsRealmDoesNotExist) {
  for (const std::string path : {"/.well-known/openid-configuration", "/protocol/openid-connect/certs", ""}) {
    const auto response = api().http().get("/realms/no-such-realm-" + random_suffix() + path);
    EXPECT_EQ(response.status, 404) << path;
    EXPECT_EQ(json_of(response), nlohmann::json({{"error", "Realm does not exist"}})) << path;
  }
  const auto token =
      api().password_grant("no-such-realm-" + random_suffix(), "app", "app-secret", "alice", "alice-pw");
  EXPECT_EQ(token.status, 404);
  EXPECT_EQ(json_of(token).value("error", ""), "Realm does not exist");
}

TEST_F(ContractTest, JwksListsTheRs256SigningKeyWithKeycloaksMembers) {
  const auto response = api().http().get("/realms/" + realm() + "/protocol/openid-connect/certs");
  ASSERT_EQ(response.status, 200);
  const auto keys = json_of(response).at("keys");
  ASSERT_FALSE(keys.empty());
  int signing_keys = 0;
  for (const auto& key : keys) {
    EXPECT_EQ(key.at("kty"), "RSA");
    for (const char* member : {"kid", "alg", "use", "n", "e"}) EXPECT_TRUE(key.contains(member)) << member;
    EXPECT_FALSE(key.at("x5c").empty());
    if (key.at("use") == "sig" && key.at("alg") == "RS256") ++signing_keys;
  }
  EXPECT_EQ(signing_keys, 1);
  const auto token = login().at("access_token").get<std::string>();
  EXPECT_NE(api().jwks(realm()).find(header_of(token).at("kid").get<std::string>()), nullptr);
}

TEST_F(ContractTest, PasswordGrantAnswersLikeKeycloak) {
  const auto response = api().password_grant(realm(), "app", "app-secret", "alice", "alice-pw");
  ASSERT_EQ(response.status, 200) << response.body;
  EXPECT_EQ(response.header("Cache-Control"), "no-store");
  const auto body = json_of(response);
  EXPECT_EQ(body.at("token_type"), "Bearer");
  EXPECT_THAT(body.at("expires_in").get<int>(), expires_in_of(300));
  EXPECT_THAT(body.at("refresh_expires_in").get<int>(), expires_in_of(1800));
  EXPECT_EQ(body.at("not-before-policy"), 0);
  EXPECT_FALSE(body.contains("id_token"));  // only with scope=openid
  EXPECT_THAT(body.at("scope").get<std::string>(), HasSubstr("profile"));
  EXPECT_THAT(body.at("scope").get<std::string>(), HasSubstr("email"));
  // Keycloak 26.5's session ids: 18 random bytes, base64url (26.4's were UUIDs).
  EXPECT_THAT(body.at("session_state").get<std::string>(), MatchesRegex("[A-Za-z0-9_-]{24}"));
  const std::string token = body.at("access_token");
  const auto header = header_of(token);
  EXPECT_EQ(header.at("alg"), "RS256");
  EXPECT_EQ(header.at("typ"), "JWT");

  const auto verified = api().verify(realm(), token, "app");
  EXPECT_EQ(verified.sub, alice_id_);
  const auto claims = claims_of(token);
  EXPECT_EQ(claims.at("exp").get<long>() - claims.at("iat").get<long>(), 300);
  EXPECT_FALSE(claims.at("jti").get<std::string>().empty());
  EXPECT_EQ(claims.at("iss"), api().issuer(realm()));
  EXPECT_EQ(claims.at("typ"), "Bearer");
  EXPECT_EQ(claims.at("azp"), "app");
  EXPECT_EQ(claims.at("sid"), body.at("session_state"));
  EXPECT_EQ(claims.at("preferred_username"), "alice");
  EXPECT_EQ(claims.at("email"), "alice@example.com");
  EXPECT_EQ(claims.at("email_verified"), true);
  EXPECT_EQ(claims.at("name"), "Alice Tester");
  EXPECT_EQ(claims.at("given_name"), "Alice");
  EXPECT_EQ(claims.at("family_name"), "Tester");
  EXPECT_EQ(claims.at("scope"), body.at("scope"));
  EXPECT_THAT(claims.at("realm_access").at("roles").get<std::vector<std::string>>(),
              Contains("default-roles-" + realm()));
  EXPECT_THAT(audiences(claims), Contains("app"));
}

TEST_F(ContractTest, OpenidScopeAddsAnIdTokenForTheClient) {
  const auto body = login("alice", "alice-pw", "openid");
  ASSERT_TRUE(body.contains("id_token"));
  const std::string id_token = body.at("id_token");
  const auto verified = api().verify(realm(), id_token, "app");
  EXPECT_EQ(verified.sub, alice_id_);
  const auto claims = claims_of(id_token);
  EXPECT_EQ(claims.at("typ"), "ID");
  EXPECT_EQ(claims.at("azp"), "app");
  EXPECT_EQ(claims.at("preferred_username"), "alice");
  EXPECT_TRUE(claims.contains("at_hash"));
  EXPECT_THAT(body.at("scope").get<std::string>(), HasSubstr("openid"));
}

TEST_F(ContractTest, LoginByEmailWorksAndUsernamesAreCaseInsensitive) {
  EXPECT_EQ(try_login("ALICE", "alice-pw").status, 200);
  EXPECT_EQ(try_login("alice@example.com", "alice-pw").status, 200);
}

TEST_F(ContractTest, ClientSecretBasicAuthenticatesTheClient) {
  const auto response = api().oidc_post(
      realm(), "token", {{"grant_type", "password"}, {"username", "alice"}, {"password", "alice-pw"}},
      {{"Authorization", "Basic YXBwOmFwcC1zZWNyZXQ="}});  // app:app-secret
  EXPECT_EQ(response.status, 200) << response.body;
}

TEST_F(ContractTest, RefreshGrantRenewsTokensWithinTheSameSession) {
  const auto first = login();
  const std::string refresh_token = first.at("refresh_token");
  const auto header = header_of(refresh_token);
  EXPECT_EQ(header.at("alg"), "HS512");  // signed with the realm's HMAC key, not in the JWKS
  const auto refresh_claims = claims_of(refresh_token);
  EXPECT_EQ(refresh_claims.at("typ"), "Refresh");
  EXPECT_EQ(refresh_claims.at("azp"), "app");
  EXPECT_EQ(refresh_claims.at("sid"), first.at("session_state"));

  const auto response = refresh(refresh_token);
  ASSERT_EQ(response.status, 200) << response.body;
  const auto second = json_of(response);
  EXPECT_EQ(second.at("session_state"), first.at("session_state"));
  EXPECT_TRUE(second.contains("refresh_token"));
  const auto verified = api().verify(realm(), second.at("access_token"), "app");
  EXPECT_EQ(verified.sub, alice_id_);
  EXPECT_EQ(claims_of(second.at("access_token")).at("sid"), first.at("session_state"));
}

TEST_F(ContractTest, ClientCredentialsTokensCarryTheServiceAccountUser) {
  const auto sa = api().admin("GET", "/" + realm() + "/clients/" + app_uuid_ + "/service-account-user");
  ASSERT_EQ(sa.status, 200) << sa.body;
  const auto sa_user = json_of(sa);
  EXPECT_EQ(sa_user.at("username"), "service-account-app");

  const auto response = api().oidc_post(
      realm(), "token",
      {{"grant_type", "client_credentials"}, {"client_id", "app"}, {"client_secret", "app-secret"}});
  ASSERT_EQ(response.status, 200) << response.body;
  const auto body = json_of(response);
  EXPECT_EQ(body.at("token_type"), "Bearer");
  EXPECT_EQ(body.at("refresh_expires_in"), 0);
  EXPECT_FALSE(body.contains("refresh_token"));
  const auto verified = api().verify(realm(), body.at("access_token"), "app");
  EXPECT_EQ(verified.sub, sa_user.at("id").get<std::string>());
  const auto claims = claims_of(body.at("access_token"));
  EXPECT_EQ(claims.at("azp"), "app");
  EXPECT_EQ(claims.at("preferred_username"), "service-account-app");
  EXPECT_FALSE(claims.contains("sid"));
}

TEST_F(ContractTest, AudienceMapperAddsItsClientToAud) {
  api().create_client(
      realm(), {{"clientId", "plain"}, {"secret", "plain-secret"}, {"directAccessGrantsEnabled", true}});
  const auto plain = json_of(try_login("alice", "alice-pw", "plain", "plain-secret"));
  const auto plain_aud = audiences(claims_of(plain.at("access_token")));
  EXPECT_THAT(plain_aud, ::testing::Not(Contains("plain")));
  EXPECT_THAT(plain_aud, Contains("account"));  // audience-resolve: the account client's roles

  const auto app_aud = audiences(claims_of(login().at("access_token")));
  EXPECT_THAT(app_aud, Contains("app"));
  EXPECT_THAT(app_aud, Contains("account"));
}

TEST_F(ContractTest, RealmRoleAndGroupMappersAddTheirClaims) {
  const std::string r = "/" + realm();
  ASSERT_EQ(api().admin("POST", r + "/roles", nlohmann::json{{"name", "reader"}}).status, 201);
  const auto role = json_of(api().admin("GET", r + "/roles/reader"));
  ASSERT_EQ(
      api()
          .admin("POST", r + "/users/" + alice_id_ + "/role-mappings/realm", nlohmann::json::array({role}))
          .status,
      204);
  const auto group = api().admin("POST", r + "/groups", nlohmann::json{{"name", "team"}});
  ASSERT_EQ(group.status, 201) << group.body;
  ASSERT_EQ(api().admin("PUT", r + "/users/" + alice_id_ + "/groups/" + id_from_location(group)).status, 204);
  const std::string mappers = r + "/clients/" + app_uuid_ + "/protocol-mappers/models";
  ASSERT_EQ(api()
                .admin("POST", mappers,
                       nlohmann::json{{"name", "flat-roles"},
                                      {"protocol", "openid-connect"},
                                      {"protocolMapper", "oidc-usermodel-realm-role-mapper"},
                                      {"config",
                                       {{"claim.name", "roles_flat"},
                                        {"multivalued", "true"},
                                        {"jsonType.label", "String"},
                                        {"access.token.claim", "true"}}}})
                .status,
            201);
  ASSERT_EQ(
      api()
          .admin("POST", mappers,
                 nlohmann::json{
                     {"name", "groups"},
                     {"protocol", "openid-connect"},
                     {"protocolMapper", "oidc-group-membership-mapper"},
                     {"config",
                      {{"claim.name", "groups"}, {"full.path", "true"}, {"access.token.claim", "true"}}}})
          .status,
      201);

  const auto claims = claims_of(login().at("access_token"));
  EXPECT_THAT(claims.at("roles_flat").get<std::vector<std::string>>(), Contains("reader"));
  EXPECT_THAT(claims.at("realm_access").at("roles").get<std::vector<std::string>>(), Contains("reader"));
  EXPECT_EQ(claims.at("groups"), nlohmann::json::array({"/team"}));
}

}  // namespace
}  // namespace mcph::keycloak_test
