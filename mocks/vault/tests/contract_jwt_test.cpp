// JWT auth: config and role validation, and every login failure with the plugin's message.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <chrono>

#include "contract_support.h"
#include "mcph/codec/base64.h"
#include "mcph/jose/jws.h"
#include "mcph/jose/key.h"
#include "mcph/sync/unix_time.h"

namespace mcph::mock_vault::contract {
namespace {

using ::testing::HasSubstr;
using ::testing::StartsWith;

class JwtLogin : public ::testing::Test {
 protected:
  void SetUp() override { demo_ = Demo::provision(vault_, jwks_); }

  Reply login_with(const Json& claims) {
    Reply reply;
    Demo::login(vault_, jwks_.sign(claims), &reply);
    return reply;
  }

  VaultUnderTest vault_;
  JwksServer jwks_;
  Demo demo_;
};

TEST_F(JwtLogin, ExpiredTokenFailsBeyondTheClockSkewLeeway) {
  Json claims = jwks_.claims_for(demo_.alice_sub);
  claims["iat"] = sync::unix_seconds() - 3600;
  claims["exp"] = sync::unix_seconds() - 600;
  Reply reply = login_with(claims);
  EXPECT_EQ(reply.status, 400);
  EXPECT_EQ(reply.body, (Json{{"errors", {"error validating token: invalid expiration time (exp) claim: token is expired"}}}));

  // Within the default 60 s clock skew a just-expired token still logs in (cap's rule).
  claims["exp"] = sync::unix_seconds() - 20;
  EXPECT_EQ(login_with(claims).status, 200);
}

TEST_F(JwtLogin, NotYetValidTokenFails) {
  Json claims = jwks_.claims_for(demo_.alice_sub);
  claims["nbf"] = sync::unix_seconds() + 3600;
  Reply reply = login_with(claims);
  EXPECT_EQ(reply.status, 400);
  EXPECT_EQ(reply.error(), "error validating token: invalid not before (nbf) claim: token not yet valid");
}

TEST_F(JwtLogin, WrongAudienceFails) {
  Json claims = jwks_.claims_for(demo_.alice_sub);
  claims["aud"] = "someone-else";
  Reply reply = login_with(claims);
  EXPECT_EQ(reply.status, 400);
  EXPECT_EQ(reply.error(),
            "error validating token: invalid audience (aud) claim: audience claim does not match any expected audience");
}

TEST_F(JwtLogin, WrongIssuerFails) {
  Json claims = jwks_.claims_for(demo_.alice_sub);
  claims["iss"] = "https://evil.test/realms/mcp-demo";
  Reply reply = login_with(claims);
  EXPECT_EQ(reply.status, 400);
  EXPECT_EQ(reply.error(), "error validating token: invalid issuer (iss) claim");
}

TEST_F(JwtLogin, BadSignatureFailsAfterOneJwksRefetch) {
  const int fetches_before = jwks_.fetches();
  Reply reply;
  Demo::login(vault_, jwks_.sign_with_foreign_key(jwks_.claims_for(demo_.alice_sub)), &reply);
  EXPECT_EQ(reply.status, 400);
  EXPECT_EQ(reply.error(), "error validating token: error verifying token signature: failed to verify id token signature");
  if (vault_.local()) {
    EXPECT_EQ(jwks_.fetches(), fetches_before + 1) << "go-oidc refetches once, then gives up";
  }
}

TEST_F(JwtLogin, TamperedPayloadFails) {
  // alice's header and signature around a payload that claims to be bob.
  const std::string token = jwks_.sign(jwks_.claims_for(demo_.alice_sub));
  const auto first = token.find('.');
  const auto second = token.find('.', first + 1);
  const std::string forged = token.substr(0, first + 1) +
                             codec::base64url_encode(jwks_.claims_for(demo_.bob_sub).dump()) + token.substr(second);
  Reply reply;
  Demo::login(vault_, forged, &reply);
  EXPECT_EQ(reply.status, 400);
  EXPECT_EQ(reply.error(), "error validating token: error verifying token signature: failed to verify id token signature");
}

TEST_F(JwtLogin, AlgNoneAndHs256AreRefused) {
  const std::string header = codec::base64url_encode(R"({"alg":"none","typ":"JWT"})");
  const std::string payload = codec::base64url_encode(jwks_.claims_for(demo_.alice_sub).dump());
  Reply reply;
  Demo::login(vault_, header + "." + payload + ".", &reply);
  EXPECT_EQ(reply.status, 400);
  EXPECT_THAT(reply.error(), StartsWith("error validating token: error verifying token signature: "));

  const std::string hs = jose::sign_jwt(jose::Key::hmac(std::string(32, 'k')), jose::Alg::HS256,
                                        jwks_.claims_for(demo_.alice_sub).dump(), "k1");
  Demo::login(vault_, hs, &reply);
  EXPECT_EQ(reply.status, 400);
  EXPECT_THAT(reply.error(), StartsWith("error validating token: error verifying token signature: "));
}

TEST_F(JwtLogin, RotatedKeyWithANewKidIsFetchedOnDemand) {
  ASSERT_EQ(login_with(jwks_.claims_for(demo_.alice_sub)).status, 200);
  const int fetches_before = jwks_.fetches();
  ASSERT_EQ(login_with(jwks_.claims_for(demo_.alice_sub)).status, 200);
  if (vault_.local()) {
    EXPECT_EQ(jwks_.fetches(), fetches_before) << "known kid: served from the cache";
  }
  jwks_.rotate();
  EXPECT_EQ(login_with(jwks_.claims_for(demo_.alice_sub)).status, 200);
  if (vault_.local()) {
    EXPECT_EQ(jwks_.fetches(), fetches_before + 1);
  }
}

TEST_F(JwtLogin, JwksEndpointDownGivesVaultsErrorQuickly) {
  jwks_.rotate();  // a kid the cache does not know forces a fetch
  jwks_.set_failing(true);
  const auto started = std::chrono::steady_clock::now();
  Reply reply = login_with(jwks_.claims_for(demo_.alice_sub));
  EXPECT_EQ(reply.status, 400);
  EXPECT_THAT(reply.error(), StartsWith("error validating token: error verifying token signature: fetching keys oidc: "
                                        "get keys failed"));
  EXPECT_LT(std::chrono::steady_clock::now() - started, std::chrono::seconds(10));
  jwks_.set_failing(false);
  EXPECT_EQ(login_with(jwks_.claims_for(demo_.alice_sub)).status, 200) << "recovers when the JWKS is back";
}

TEST_F(JwtLogin, RequestLevelErrors) {
  Reply reply = vault_.post("/v1/auth/jwt/login", Json{{"role", "user"}}, std::string());
  EXPECT_EQ(reply.status, 400);
  EXPECT_EQ(reply.error(), "missing token");
  reply = vault_.post("/v1/auth/jwt/login", Json{{"jwt", "x.y.z"}}, std::string());
  EXPECT_EQ(reply.error(), "missing role");
  reply = vault_.post("/v1/auth/jwt/login", Json{{"role", "nope"}, {"jwt", "x.y.z"}}, std::string());
  EXPECT_EQ(reply.error(), "role \"nope\" could not be found");
  reply = vault_.post("/v1/auth/jwt/login", Json{{"role", "user"}, {"jwt", "not-a-jwt"}}, std::string());
  EXPECT_EQ(reply.status, 400);
  EXPECT_THAT(reply.error(), StartsWith("error validating token: error verifying token signature: "));
}

TEST_F(JwtLogin, MissingUserClaimAndBoundClaims) {
  Json claims = jwks_.claims_for(demo_.alice_sub);
  claims.erase("sub");
  Reply reply = login_with(claims);
  EXPECT_EQ(reply.error(), "claim \"sub\" not found in token");

  ASSERT_EQ(vault_.post("/v1/auth/jwt/role/staff", Json{{"role_type", "jwt"},
                                                        {"user_claim", "sub"},
                                                        {"bound_audiences", "mcp-client"},
                                                        {"bound_claims", {{"department", {"eng", "ops"}}}},
                                                        {"groups_claim", "groups"}})
                .status,
            204);
  Json staff = jwks_.claims_for(demo_.alice_sub);
  Demo::login(vault_, jwks_.sign(staff), &reply, "staff");
  EXPECT_EQ(reply.error(), "failed to fetch groups: \"groups\" claim not found in token");
  staff["groups"] = Json::array({"devs"});
  Demo::login(vault_, jwks_.sign(staff), &reply, "staff");
  EXPECT_EQ(reply.error(), "error validating claims: claim \"department\" is missing");
  staff["department"] = "sales";
  Demo::login(vault_, jwks_.sign(staff), &reply, "staff");
  EXPECT_EQ(reply.error(), "error validating claims: claim \"department\" does not match any associated bound claim values");
  staff["department"] = "ops";
  Demo::login(vault_, jwks_.sign(staff), &reply, "staff");
  EXPECT_EQ(reply.status, 200) << reply.text;
}

TEST_F(JwtLogin, AudienceWithoutBoundAudiencesIsRefused) {
  ASSERT_EQ(vault_.post("/v1/auth/jwt/role/by-subject",
                        Json{{"role_type", "jwt"}, {"user_claim", "sub"}, {"bound_subject", demo_.alice_sub}})
                .status,
            204);
  Reply reply;
  Demo::login(vault_, jwks_.sign(jwks_.claims_for(demo_.alice_sub)), &reply, "by-subject");
  EXPECT_EQ(reply.error(), "audience claim found in JWT but no audiences bound to the role");
  Json claims = jwks_.claims_for(demo_.bob_sub);
  claims.erase("aud");
  Demo::login(vault_, jwks_.sign(claims), &reply, "by-subject");
  EXPECT_EQ(reply.error(), "error validating token: invalid subject (sub) claim");
}

TEST_F(JwtLogin, RoleWritesAreValidatedLikeThePlugin) {
  Reply reply = vault_.post("/v1/auth/jwt/role/x", Json{{"user_claim", "sub"}, {"bound_audiences", "a"}});
  EXPECT_EQ(reply.status, 400);
  EXPECT_EQ(reply.error(), "'allowed_redirect_uris' must be set if 'role_type' is 'oidc' or unspecified.");
  reply = vault_.post("/v1/auth/jwt/role/x", Json{{"role_type", "jwt"}, {"bound_audiences", "a"}});
  EXPECT_EQ(reply.error(), "a user claim must be defined on the role");
  reply = vault_.post("/v1/auth/jwt/role/x", Json{{"role_type", "jwt"}, {"user_claim", "sub"}});
  EXPECT_EQ(reply.error(), "must have at least one bound constraint when creating/updating a role");
  reply = vault_.post("/v1/auth/jwt/role/x", Json{{"role_type", "jwt"},
                                                  {"user_claim", "sub"},
                                                  {"bound_audiences", "a"},
                                                  {"token_ttl", 600},
                                                  {"token_max_ttl", 60}});
  EXPECT_EQ(reply.error(), "'token_ttl' cannot be greater than 'token_max_ttl'");

  Reply role = vault_.get("/v1/auth/jwt/role/user");
  ASSERT_EQ(role.status, 200);
  EXPECT_EQ(role.body["data"]["role_type"], "jwt");
  EXPECT_EQ(role.body["data"]["bound_audiences"], (Json{"mcp-client"}));
  EXPECT_EQ(role.body["data"]["token_policies"], (Json{"user-secrets"}));
  EXPECT_EQ(role.body["data"]["token_ttl"], 3600);
  EXPECT_EQ(role.body["data"]["user_claim"], "sub");
}

// A write without role_type is one of role_type "oidc", an update of an existing jwt role too
// (path_role.go defaults it on every create and update alike): a partial update of the role that
// omits it is refused for want of allowed_redirect_uris, and the role stays as it was; one that
// names role_type keeps every field it does not name; one with allowed_redirect_uris and no
// role_type turns the role into an oidc role, with which no JWT logs in.
TEST_F(JwtLogin, AWriteWithoutRoleTypeIsAnOidcRoleWriteEvenOnAJwtRole) {
  Reply reply = vault_.post("/v1/auth/jwt/role/user", Json{{"bound_audiences", Json::array({"vault", "mcp-client"})}});
  EXPECT_EQ(reply.status, 400);
  EXPECT_EQ(reply.error(), "'allowed_redirect_uris' must be set if 'role_type' is 'oidc' or unspecified.");
  Reply role = vault_.get("/v1/auth/jwt/role/user");
  EXPECT_EQ(role.body["data"]["role_type"], "jwt");
  EXPECT_EQ(role.body["data"]["bound_audiences"], (Json{"mcp-client"}));

  reply = vault_.post("/v1/auth/jwt/role/user", Json{{"role_type", "jwt"}, {"bound_audiences", Json::array({"vault", "mcp-client"})}});
  EXPECT_EQ(reply.status, 204) << reply.text;
  role = vault_.get("/v1/auth/jwt/role/user");
  EXPECT_EQ(role.body["data"]["bound_audiences"], (Json{"vault", "mcp-client"}));
  EXPECT_EQ(role.body["data"]["user_claim"], "sub");
  EXPECT_EQ(role.body["data"]["token_policies"], (Json{"user-secrets"}));
  EXPECT_EQ(role.body["data"]["token_ttl"], 3600);
  EXPECT_EQ(login_with(jwks_.claims_for(demo_.alice_sub)).status, 200);

  reply = vault_.post("/v1/auth/jwt/role/user", Json{{"allowed_redirect_uris", Json::array({"http://127.0.0.1:8250/oidc/callback"})}});
  EXPECT_EQ(reply.status, 204) << reply.text;
  role = vault_.get("/v1/auth/jwt/role/user");
  EXPECT_EQ(role.body["data"]["role_type"], "oidc");
  EXPECT_EQ(role.body["data"]["bound_audiences"], (Json{"vault", "mcp-client"}));
  reply = login_with(jwks_.claims_for(demo_.alice_sub));
  EXPECT_EQ(reply.status, 400);
  EXPECT_EQ(reply.error(), "role with oidc role_type is not allowed");
}

TEST_F(JwtLogin, ConfigNeedsExactlyOneKeySourceAndAReachableJwks) {
  Reply reply = vault_.post("/v1/auth/jwt/config", Json{{"bound_issuer", "x"}});
  EXPECT_EQ(reply.status, 400);
  EXPECT_EQ(reply.error(),
            "exactly one of 'jwt_validation_pubkeys', 'jwks_url', 'jwks_pairs' or 'oidc_discovery_url' must be set");
  const auto started = std::chrono::steady_clock::now();
  reply = vault_.post("/v1/auth/jwt/config", Json{{"jwks_url", "http://127.0.0.1:1/certs"}});
  EXPECT_EQ(reply.status, 400);
  EXPECT_EQ(reply.error(), "error checking jwks URL http://127.0.0.1:1/certs");
  EXPECT_LT(std::chrono::steady_clock::now() - started, std::chrono::seconds(10));
  Reply config = vault_.get("/v1/auth/jwt/config");
  EXPECT_EQ(config.body["data"]["jwks_url"], jwks_.jwks_url()) << "a failed write keeps the old config";
}

TEST_F(JwtLogin, StaticPublicKeysVerifyTooWithTheirOwnMessage) {
  const jose::Key key = jose::Key::generate_rsa(2048);
  ASSERT_EQ(vault_.post("/v1/sys/auth/jwt-static", Json{{"type", "jwt"}}).status, 204);
  ASSERT_EQ(vault_.post("/v1/auth/jwt-static/config", Json{{"jwt_validation_pubkeys", Json::array({key.public_pem()})}}).status,
            204);
  ASSERT_EQ(vault_.post("/v1/auth/jwt-static/role/user",
                        Json{{"role_type", "jwt"}, {"user_claim", "sub"}, {"bound_audiences", "mcp-client"}})
                .status,
            204);
  Reply reply;
  const std::string good = jose::sign_jwt(key, jose::Alg::RS256, jwks_.claims_for("static-user").dump(), "any-kid");
  EXPECT_FALSE(Demo::login(vault_, good, &reply, "user", "jwt-static").empty()) << reply.text;
  Demo::login(vault_, jwks_.sign(jwks_.claims_for("static-user")), &reply, "user", "jwt-static");
  EXPECT_EQ(reply.error(), "error validating token: error verifying token signature: no known key successfully validated "
                           "the token signature");
}

}  // namespace
}  // namespace mcph::mock_vault::contract
