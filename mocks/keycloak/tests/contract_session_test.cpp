// Contract tests for what happens around a token: userinfo, introspection, logout, expiry and
// key rotation.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <chrono>
#include <cstdint>
#include <thread>

#include "contract_fixture.h"
#include "mcph/codec/base64.h"

namespace mcph::keycloak_test {
namespace {

using ::testing::HasSubstr;

http::ClientResponse userinfo(KeycloakApi& api, const std::string& realm, const std::string& token) {
  return api.http().get("/realms/" + realm + "/protocol/openid-connect/userinfo",
                        {{"Authorization", "Bearer " + token}});
}

http::ClientResponse introspect(KeycloakApi& api, const std::string& realm, const std::string& token,
                                const std::string& secret = "app-secret") {
  return api.oidc_post(realm, "token/introspect",
                       {{"token", token}, {"client_id", "app"}, {"client_secret", secret}});
}

// Keycloak 26.5 takes the token after the scheme's one space, and no token with a space in it:
// a second space leaves the request without one, at userinfo and at the admin API alike.
TEST_F(ContractTest, ATokenFollowsTheSchemeAfterExactlyOneSpace) {
  const std::string token = login("alice", "alice-pw", "openid").at("access_token");
  const std::string path = "/realms/" + realm() + "/protocol/openid-connect/userinfo";
  EXPECT_EQ(api().http().get(path, {{"Authorization", "bearer " + token}}).status, 200);
  const auto two_spaces = api().http().get(path, {{"Authorization", "Bearer  " + token}});
  EXPECT_EQ(two_spaces.status, 401);
  EXPECT_EQ(two_spaces.header("WWW-Authenticate"), "Bearer realm=\"" + realm() + "\"");
  EXPECT_EQ(api().http().get("/admin/realms/" + realm(), {{"Authorization", "Bearer  " + api().admin_token()}}).status, 401);
}

TEST_F(ContractTest, UserinfoAnswersWithTheUsersProfile) {
  const std::string token = login("alice", "alice-pw", "openid").at("access_token");
  const auto response = userinfo(api(), realm(), token);
  ASSERT_EQ(response.status, 200) << response.body;
  const auto claims = json_of(response);
  EXPECT_EQ(claims.at("sub"), alice_id_);
  EXPECT_EQ(claims.at("preferred_username"), "alice");
  EXPECT_EQ(claims.at("email"), "alice@example.com");
  EXPECT_EQ(claims.at("given_name"), "Alice");
  EXPECT_EQ(claims.at("family_name"), "Tester");
  // Without the openid scope: 403 and a bearer challenge, no body.
  const auto plain = userinfo(api(), realm(), login().at("access_token"));
  EXPECT_EQ(plain.status, 403);
  EXPECT_EQ(plain.header("WWW-Authenticate"),
            "Bearer realm=\"" + realm() + "\", error=\"insufficient_scope\", error_description=\"Missing openid scope\"");
  EXPECT_EQ(plain.body, "");
}

TEST_F(ContractTest, UserinfoRefusesBadTokens) {
  // Refusals are a bearer challenge and no body.
  const auto bad = userinfo(api(), realm(), "eyJhbGciOiJSUzI1NiJ9.e30.c2ln");
  EXPECT_EQ(bad.status, 401);
  EXPECT_EQ(bad.header("WWW-Authenticate"), "Bearer realm=\"" + realm() +
                                                "\", error=\"invalid_token\", error_description=\"Token verification failed\"");
  EXPECT_EQ(bad.body, "");
  const auto none = api().http().get("/realms/" + realm() + "/protocol/openid-connect/userinfo");
  EXPECT_EQ(none.status, 401);
  EXPECT_EQ(none.header("WWW-Authenticate"), "Bearer realm=\"" + realm() + "\"");
  // A token of another realm does not verify here.
  const std::string master_token = api().admin_token();
  const auto foreign = userinfo(api(), realm(), master_token);
  EXPECT_EQ(foreign.status, 401);
  EXPECT_THAT(foreign.header("WWW-Authenticate"), HasSubstr("error=\"invalid_token\""));
}

TEST_F(ContractTest, IntrospectionTellsActiveFromInactive) {
  const std::string token = login().at("access_token");
  const auto active = introspect(api(), realm(), token);
  ASSERT_EQ(active.status, 200) << active.body;
  const auto body = json_of(active);
  EXPECT_EQ(body.at("active"), true);
  EXPECT_EQ(body.at("sub"), alice_id_);
  EXPECT_EQ(body.at("client_id"), "app");
  EXPECT_EQ(body.at("username"), "alice");
  EXPECT_EQ(body.at("token_type"), "Bearer");
  EXPECT_EQ(body.at("iss"), api().issuer(realm()));

  const auto garbage = introspect(api(), realm(), "not-a-token");
  ASSERT_EQ(garbage.status, 200);
  EXPECT_EQ(json_of(garbage), nlohmann::json({{"active", false}}));

  expect_oauth_error(introspect(api(), realm(), token, "wrong-secret"), 401, "invalid_request",
                     "Authentication failed.");
  expect_oauth_error(
      api().oidc_post(realm(), "token/introspect", {{"client_id", "app"}, {"client_secret", "app-secret"}}),
      400, "invalid_request", "Token not provided.");
}

TEST_F(ContractTest, LogoutEndsTheSessionAndItsRefreshToken) {
  const auto tokens = login("alice", "alice-pw", "openid");
  const std::string access = tokens.at("access_token");
  const std::string refresh_token = tokens.at("refresh_token");
  const auto logout = api().oidc_post(
      realm(), "logout",
      {{"client_id", "app"}, {"client_secret", "app-secret"}, {"refresh_token", refresh_token}});
  EXPECT_EQ(logout.status, 204) << logout.body;
  expect_oauth_error(refresh(refresh_token), 400, "invalid_grant", "Session not active");
  EXPECT_EQ(json_of(introspect(api(), realm(), access)).at("active"), false);
  const auto after = userinfo(api(), realm(), access);
  EXPECT_EQ(after.status, 401);
  EXPECT_THAT(after.header("WWW-Authenticate"), HasSubstr("error_description=\"user_session_not_found\""));
  // A fresh login starts a new session.
  EXPECT_EQ(refresh(login().at("refresh_token")).status, 200);
}

TEST_F(ContractTest, LogoutNeedsARefreshTokenOfTheCallingClient) {
  // Without a refresh token, the logout endpoint is the browser's: Keycloak's confirmation page.
  const auto page = api().oidc_post(realm(), "logout", {{"client_id", "app"}, {"client_secret", "app-secret"}});
  EXPECT_EQ(page.status, 200);
  EXPECT_THAT(page.header("Content-Type"), HasSubstr("text/html"));
  expect_oauth_error(
      api().oidc_post(realm(), "logout",
                      {{"client_id", "app"}, {"client_secret", "app-secret"}, {"refresh_token", "garbage"}}),
      400, "invalid_grant", "Invalid refresh token");
}

TEST_F(ContractTest, ShortLifespansExpireAccessAndRefreshTokens) {
  const std::string r = "/" + realm();
  ASSERT_EQ(api().admin("PUT", r, nlohmann::json{{"realm", realm()}, {"ssoSessionIdleTimeout", 2}}).status,
            204);
  api().create_client(realm(), {{"clientId", "brief"},
                                {"secret", "brief-secret"},
                                {"directAccessGrantsEnabled", true},
                                {"attributes", {{"access.token.lifespan", "2"}}}});
  const auto response = try_login("alice", "alice-pw", "brief", "brief-secret");
  ASSERT_EQ(response.status, 200) << response.body;
  const auto tokens = json_of(response);
  // Each *_in is counted by the server at the moment it answers, so a second may have ticked.
  EXPECT_THAT(tokens.at("expires_in").get<int>(), expires_in_of(2));
  EXPECT_THAT(tokens.at("refresh_expires_in").get<int>(), expires_in_of(2));
  const std::string access = tokens.at("access_token");
  const auto claims = claims_of(access);
  const auto expiry = claims.at("exp").get<std::int64_t>();
  EXPECT_EQ(expiry - claims.at("iat").get<std::int64_t>(), 2);
  // Valid within its lifespan: checked at its own iat, so that a slow machine, which may take
  // longer than 2 s to get here, cannot make this fail.
  jose::VerifyOptions within_lifespan;
  within_lifespan.issuer = api().issuer(realm());
  within_lifespan.now = claims.at("iat").get<std::int64_t>();
  EXPECT_NO_THROW(jose::verify_jwt(access, api().jwks(realm()), within_lifespan));

  // Expiry is the behaviour under test: let the clock pass both tokens' exp. Keycloak calls a
  // token expired once its clock, in whole seconds, is past exp. The refresh token's exp can be
  // a second later than the access token's; Keycloak refuses it as inactive only once that has
  // passed too (before, with the 2 s idle session already gone, it says "Session not active").
  const auto refresh_expiry = claims_of(tokens.at("refresh_token")).at("exp").get<std::int64_t>();
  const auto last_expiry = std::max(expiry, refresh_expiry);
  std::this_thread::sleep_until(std::chrono::system_clock::time_point(std::chrono::seconds(last_expiry + 1)) +
                                std::chrono::milliseconds(100));
  try {
    api().verify(realm(), access);
    ADD_FAILURE() << "an access token with a 2 s lifespan still verified after its exp";
  } catch (const jose::JoseError& error) {
    EXPECT_EQ(error.kind(), jose::ErrorKind::expired) << error.what();
  }
  expect_oauth_error(refresh(tokens.at("refresh_token"), "brief", "brief-secret"), 400, "invalid_grant",
                     "Token is not active");
  EXPECT_EQ(json_of(introspect(api(), realm(), access)).at("active"), false);
}

TEST_F(ContractTest, KeyRotationSignsWithTheNewKeyAndKeepsTheOldOneVerifiable) {
  const std::string old_token = login().at("access_token");
  const std::string old_kid = header_of(old_token).at("kid");
  const auto realm_rep = json_of(api().admin("GET", "/" + realm()));
  const auto created = api().admin("POST", "/" + realm() + "/components",
                                   nlohmann::json{{"name", "rsa-rotated"},
                                                  {"providerId", "rsa-generated"},
                                                  {"providerType", "org.keycloak.keys.KeyProvider"},
                                                  {"parentId", realm_rep.at("id")},
                                                  {"config",
                                                   {{"priority", {"200"}},
                                                    {"enabled", {"true"}},
                                                    {"active", {"true"}},
                                                    {"keySize", {"2048"}},
                                                    {"algorithm", {"RS256"}}}}});
  ASSERT_EQ(created.status, 201) << created.body;

  const std::string new_token = login().at("access_token");
  const std::string new_kid = header_of(new_token).at("kid");
  EXPECT_NE(new_kid, old_kid);
  const auto keys = api().jwks(realm());
  EXPECT_NE(keys.find(old_kid), nullptr);
  EXPECT_NE(keys.find(new_kid), nullptr);
  EXPECT_NO_THROW(api().verify(realm(), old_token, "app"));
  EXPECT_NO_THROW(api().verify(realm(), new_token, "app"));

  const auto metadata = json_of(api().admin("GET", "/" + realm() + "/keys"));
  EXPECT_EQ(metadata.at("active").at("RS256"), new_kid);
  bool listed_passive_or_active = false;
  for (const auto& key : metadata.at("keys")) {
    if (key.at("kid") == old_kid)
      listed_passive_or_active = key.at("status") == "ACTIVE" || key.at("status") == "PASSIVE";
  }
  EXPECT_TRUE(listed_passive_or_active);
}

// A key imported as a passive `rsa` provider (what the harness signs its forged tokens with, to
// try one claim check at a time): published in the JWKS, listed PASSIVE, never used to sign.
TEST_F(ContractTest, AnImportedPassiveKeyIsPublishedAndNeverSigns) {
  const jose::Key imported = jose::Key::generate_rsa(2048);
  const auto realm_rep = json_of(api().admin("GET", "/" + realm()));
  const auto created = api().admin("POST", "/" + realm() + "/components",
                                   nlohmann::json{{"name", "imported-passive"},
                                                  {"providerId", "rsa"},
                                                  {"providerType", "org.keycloak.keys.KeyProvider"},
                                                  {"parentId", realm_rep.at("id")},
                                                  {"config",
                                                   {{"priority", {"0"}},
                                                    {"enabled", {"true"}},
                                                    {"active", {"false"}},
                                                    {"algorithm", {"RS256"}},
                                                    {"privateKey", {imported.private_pem()}}}}});
  ASSERT_EQ(created.status, 201) << created.body;
  std::string kid;
  const auto metadata = json_of(api().admin("GET", "/" + realm() + "/keys"));
  for (const auto& key : metadata.at("keys")) {
    if (key.value("publicKey", "") == codec::base64_encode(imported.public_der())) {
      kid = key.at("kid");
      EXPECT_EQ(key.at("status"), "PASSIVE");
    }
  }
  ASSERT_FALSE(kid.empty()) << "the imported key is not among the realm's keys: " << metadata.dump();
  EXPECT_NE(api().jwks(realm()).find(kid), nullptr);
  EXPECT_NE(header_of(login().at("access_token")).at("kid"), kid);
  const std::string signed_here = jose::sign_jwt(imported, jose::Alg::RS256, R"({"sub":"x"})", kid);
  EXPECT_NO_THROW(jose::verify_jwt(signed_here, api().jwks(realm()), [] {
    jose::VerifyOptions options;
    options.require_exp = false;
    return options;
  }()));
}

}  // namespace
}  // namespace mcph::keycloak_test
