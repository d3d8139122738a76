#include "mcph/broker/authenticator.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <chrono>
#include <memory>

#include "mcph/http/message.h"
#include "mcph/http/server.h"
#include "mcph/codec/base64.h"
#include "mcph/jose/dpop.h"
#include "mcph/jose/jwk.h"
#include "mcph/jose/jws.h"
#include "mcph/jose/jwt.h"

namespace mcph::broker {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;
using ::testing::StartsWith;

std::int64_t now() {
  return std::chrono::duration_cast<std::chrono::seconds>(std::chrono::system_clock::now().time_since_epoch()).count();
}

constexpr const char* kResource = "http://127.0.0.1:1/mcp";
constexpr const char* kMetadata = "http://127.0.0.1:1/.well-known/oauth-protected-resource";

// An identity provider reduced to its JWKS, and tokens signed with its key.
class AuthenticatorTest : public ::testing::Test {
 protected:
  void SetUp() override {
    static const jose::Key key = jose::Key::generate_rsa();
    key_ = &key;
    http::ServerOptions options;
    options.access_log = false;
    idp_ = std::make_unique<http::Server>(options);
    idp_->route("GET", "/realms/demo/protocol/openid-connect/certs", [](const http::Request&, http::Response& res) {
      jose::JwkSet set({jose::Jwk{key.public_only(), "k1", jose::Alg::RS256, "sig"}});
      res.set_json(200, set.to_json());
    });
    idp_->start();
    AuthConfig config;
    config.issuer = idp_->url() + "/realms/demo";
    config.scope = "jira-mcp";
    auth_ = std::make_unique<Authenticator>(config);
    auth_->set_resource(kResource, kMetadata);  // as a server does once bound
  }

  // The claims of a Keycloak access token (typ "Bearer", azp the client); `extra` is spliced in
  // ("\"typ\":\"ID\"," replaces the type, as later keys win in our parser).
  std::string claims(std::int64_t exp, const std::string& aud = kResource, const std::string& iss = "",
                     const std::string& azp = "mcp-client", const std::string& typ = "Bearer") const {
    std::string out = R"({"iss":")" + (iss.empty() ? idp_->url() + "/realms/demo" : iss) +
                      R"(","sub":"uuid-alice","aud":[")" + aud + R"(","account"],"exp":)" + std::to_string(exp) +
                      R"(,"preferred_username":"alice")";
    if (!azp.empty()) out += R"(,"azp":")" + azp + "\"";
    if (!typ.empty()) out += R"(,"typ":")" + typ + "\"";
    return out + "}";
  }
  std::string token(const std::string& payload) const { return jose::sign_jwt(*key_, jose::Alg::RS256, payload, "k1"); }

  const jose::Key* key_ = nullptr;
  std::unique_ptr<http::Server> idp_;
  std::unique_ptr<Authenticator> auth_;
};

TEST_F(AuthenticatorTest, ValidTokenGivesTheVerifiedSubject) {
  const std::string jwt = token(claims(now() + 300));
  const AuthResult result = auth_->authenticate("Bearer " + jwt);
  ASSERT_TRUE(result.principal.has_value()) << result.description;
  EXPECT_EQ(result.principal->subject, "uuid-alice");
  EXPECT_EQ(result.principal->username, "alice");
  EXPECT_EQ(result.principal->token, jwt);
  EXPECT_GT(result.principal->expires_at, now());
  EXPECT_TRUE(auth_->authenticate("bearer " + jwt).principal.has_value()) << "scheme is case-insensitive";
}

TEST_F(AuthenticatorTest, TheAudienceIsTheServersResourceUrl) {
  EXPECT_EQ(auth_->config().audience, kResource);
  const AuthResult other = auth_->authenticate("Bearer " + token(claims(now() + 300, "http://127.0.0.1:2/mcp")));
  EXPECT_FALSE(other.principal.has_value()) << "a token issued for another MCP server";
  EXPECT_THAT(other.www_authenticate, HasSubstr(R"(error="invalid_token")"));
  EXPECT_THAT(other.description, HasSubstr("wrong_audience"));
}

TEST_F(AuthenticatorTest, AConfiguredAudienceIsKeptAndNoAudienceRefusesEverything) {
  AuthConfig config = auth_->config();
  config.audience = "mcp-client";
  Authenticator configured(config);
  configured.set_resource(kResource, kMetadata);
  EXPECT_TRUE(configured.authenticate("Bearer " + token(claims(now() + 300, "mcp-client"))).principal.has_value());

  config.audience.clear();
  const Authenticator unbound(config);  // no set_resource yet
  const AuthResult result = unbound.authenticate("Bearer " + token(claims(now() + 300)));
  EXPECT_FALSE(result.principal.has_value()) << "fails closed";
  EXPECT_THAT(result.description, HasSubstr("does not know its audience"));
}

TEST_F(AuthenticatorTest, ChallengesNameTheScopeAndTheMetadata) {
  const AuthResult result = auth_->authenticate("");
  EXPECT_THAT(result.www_authenticate, HasSubstr(std::string("resource_metadata=\"") + kMetadata + "\""));
  EXPECT_THAT(result.www_authenticate, HasSubstr(R"(scope="jira-mcp")"));
}

TEST_F(AuthenticatorTest, MissingTokenGetsTheBareChallenge) {
  for (const char* header : {"", "Basic YWxpY2U6YWxpY2UxMjM=", "Bearer"}) {
    const AuthResult result = auth_->authenticate(header);
    EXPECT_FALSE(result.principal.has_value());
    EXPECT_EQ(result.status, 401);
    EXPECT_EQ(result.www_authenticate,
              R"(Bearer resource_metadata="http://127.0.0.1:1/.well-known/oauth-protected-resource", scope="jira-mcp")")
        << header;
  }
}

TEST_F(AuthenticatorTest, RejectedTokensGetInvalidTokenWithTheReason) {
  const std::string good = token(claims(now() + 300));
  // Tampered: the payload says bob, the signature is alice's.
  const auto first_dot = good.find('.'), second_dot = good.find('.', first_dot + 1);
  std::string bob_payload = claims(now() + 300);
  bob_payload.replace(bob_payload.find("uuid-alice"), 10, "uuid-bob01");
  const std::string tampered = good.substr(0, first_dot + 1) + codec::base64url_encode(bob_payload) + good.substr(second_dot);

  const struct {
    std::string name, jwt, reason;
  } cases[] = {
      {"expired", token(claims(now() - 10)), "(expired)"},
      {"wrong audience", token(claims(now() + 300, "other-client")), "(wrong_audience)"},
      {"wrong issuer", token(claims(now() + 300, kResource, "http://evil/realms/demo")), "(wrong_issuer)"},
      {"tampered payload", tampered, "(bad_signature)"},
      {"alg none", codec::base64url_encode(R"({"alg":"none","typ":"JWT"})") + "." + codec::base64url_encode(claims(now() + 300)) + ".",
       "(unsupported_algorithm)"},
      {"garbage", "not-a-jwt", "(malformed)"},
  };
  for (const auto& c : cases) {
    const AuthResult result = auth_->authenticate("Bearer " + c.jwt);
    EXPECT_FALSE(result.principal.has_value()) << c.name;
    EXPECT_EQ(result.status, 401) << c.name;
    EXPECT_THAT(result.description, HasSubstr(c.reason)) << c.name;
    EXPECT_THAT(result.www_authenticate, StartsWith(R"(Bearer resource_metadata=")")) << c.name;
    EXPECT_THAT(result.www_authenticate, HasSubstr(R"(error="invalid_token", error_description="token rejected)")) << c.name;
    if (c.jwt.size() > 20) {
      EXPECT_THAT(result.www_authenticate, Not(HasSubstr(c.jwt))) << c.name;
    }
  }
}

TEST_F(AuthenticatorTest, OnlyAccessTokensAreAccepted) {
  const struct {
    std::string name, jwt, reason;
  } cases[] = {
      {"an ID token", token(claims(now() + 300, kResource, "", "mcp-client", "ID")), "a ID token is not an access token"},
      {"a refresh token", token(claims(now() + 300, kResource, "", "mcp-client", "Refresh")),
       "a Refresh token is not an access token"},
      {"no type at all", token(claims(now() + 300, kResource, "", "mcp-client", "")), "does not say it is an access token"},
  };
  for (const auto& c : cases) {
    const AuthResult result = auth_->authenticate("Bearer " + c.jwt);
    EXPECT_FALSE(result.principal.has_value()) << c.name;
    EXPECT_EQ(result.status, 401) << c.name;
    EXPECT_THAT(result.www_authenticate, HasSubstr(R"(error="invalid_token")")) << c.name;
    EXPECT_THAT(result.description, HasSubstr(c.reason)) << c.name;
  }
  // RFC 9068: the header's at+jwt makes an access token when the claims name no other type…
  const std::string rfc9068 = jose::sign_compact(*key_, jose::Alg::RS256, R"({"alg":"RS256","kid":"k1","typ":"at+jwt"})",
                                                 claims(now() + 300, kResource, "", "mcp-client", ""));
  EXPECT_TRUE(auth_->authenticate("Bearer " + rfc9068).principal.has_value());
  // … and a token whose header and claim disagree is refused: the claim says ID token.
  const std::string contradicting = jose::sign_compact(*key_, jose::Alg::RS256,
                                                       R"({"alg":"RS256","kid":"k1","typ":"at+jwt"})",
                                                       claims(now() + 300, kResource, "", "mcp-client", "ID"));
  const AuthResult refused = auth_->authenticate("Bearer " + contradicting);
  EXPECT_FALSE(refused.principal.has_value());
  EXPECT_THAT(refused.description, HasSubstr("a ID token is not an access token"));
  // A header typ that is not a string says nothing: the claim decides (it used to escape as a
  // JSON type error, out of authenticate()).
  const std::string odd_header = jose::sign_compact(*key_, jose::Alg::RS256, R"({"alg":"RS256","kid":"k1","typ":5})",
                                                    claims(now() + 300));
  EXPECT_TRUE(auth_->authenticate("Bearer " + odd_header).principal.has_value());
}

// A token bound to a key counts only with a proof of it, which these servers do not take: as a
// bearer token it is refused, whether the type check is on or not.
TEST_F(AuthenticatorTest, AKeyBoundTokenIsRefusedAsABearerToken) {
  std::string dpop_bound = claims(now() + 300, kResource, "", "mcp-client", "DPoP");
  dpop_bound.insert(dpop_bound.size() - 1, R"(,"cnf":{"jkt":"0ZcOCORZNYy-DWpqq30jZyJGHTN0d2HglBV3uiguA4I"})");
  std::string certificate_bound = claims(now() + 300);
  certificate_bound.insert(certificate_bound.size() - 1, R"(,"cnf":{"x5t#S256":"bwcK0esc3ACC3DB2Y5_lESsXE8o9ltc05O89jdN-dg2"})");
  AuthConfig unchecked_types = auth_->config();
  unchecked_types.access_tokens_only = false;
  const Authenticator lenient(unchecked_types);
  for (const Authenticator* authenticator : {static_cast<const Authenticator*>(auth_.get()), &lenient}) {
    for (const std::string& payload : {dpop_bound, certificate_bound}) {
      const AuthResult result = authenticator->authenticate("Bearer " + token(payload));
      EXPECT_FALSE(result.principal.has_value()) << payload;
      EXPECT_EQ(result.status, 401) << payload;
      EXPECT_THAT(result.www_authenticate, HasSubstr(R"(error="invalid_token")")) << payload;
      EXPECT_THAT(result.description, HasSubstr("DPoP-bound")) << payload;
    }
  }
}

TEST_F(AuthenticatorTest, OnlyTokensOfAllowedClientsAreAccepted) {
  const AuthResult other = auth_->authenticate("Bearer " + token(claims(now() + 300, kResource, "", "other-app")));
  EXPECT_FALSE(other.principal.has_value());
  EXPECT_THAT(other.description, HasSubstr("issued to client other-app, which may not call this server"));
  const AuthResult none = auth_->authenticate("Bearer " + token(claims(now() + 300, kResource, "", "")));
  EXPECT_THAT(none.description, HasSubstr("issued to no client (no azp)"));
  AuthConfig open;
  open.issuer = idp_->url() + "/realms/demo";
  open.audience = kResource;
  open.allowed_clients.clear();  // any client of the realm
  EXPECT_TRUE(Authenticator(open).authenticate("Bearer " + token(claims(now() + 300, kResource, "", "other-app")))
                  .principal.has_value());
}

TEST_F(AuthenticatorTest, TheTokenIsTakenFromOneAuthorizationHeaderOnly) {
  const std::string jwt = token(claims(now() + 300));
  http::Request request;
  request.headers = {{"Authorization", "Bearer " + jwt}};
  EXPECT_TRUE(auth_->authenticate(request).principal.has_value());

  request.headers.emplace_back("authorization", "Bearer " + jwt);
  AuthResult two = auth_->authenticate(request);
  EXPECT_EQ(two.status, 400);
  EXPECT_THAT(two.www_authenticate, HasSubstr(R"(error="invalid_request", error_description="more than one Authorization header")"));

  http::Request in_query;
  in_query.query = {{"access_token", jwt}};
  AuthResult query = auth_->authenticate(in_query);
  EXPECT_EQ(query.status, 400);
  EXPECT_THAT(query.description, HasSubstr("not in the query string"));
  EXPECT_THAT(query.www_authenticate, Not(HasSubstr(jwt)));

  http::Request in_body;
  in_body.headers = {{"Content-Type", "application/x-www-form-urlencoded"}};
  in_body.body = "x=1&access_token=" + jwt;
  EXPECT_EQ(auth_->authenticate(in_body).status, 400);
}

// The request's trace context goes with the principal, so that the Vault requests made for it
// continue that trace (and Vault's audit log can say which request caused them).
TEST_F(AuthenticatorTest, ThePrincipalCarriesTheRequestsTraceContext) {
  const std::string jwt = token(claims(now() + 300));
  http::Request request;
  request.headers = {{"Authorization", "Bearer " + jwt},
                     {"traceparent", "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01"},
                     {"tracestate", "harness=1"}};
  const AuthResult traced = auth_->authenticate(request);
  ASSERT_TRUE(traced.principal.has_value());
  ASSERT_TRUE(traced.principal->trace.has_value());
  EXPECT_EQ(traced.principal->trace->parent.trace_id, "0af7651916cd43dd8448eb211c80319c");
  EXPECT_EQ(traced.principal->trace->tracestate, "harness=1");

  request.headers = {{"Authorization", "Bearer " + jwt}, {"traceparent", "00-not-a-trace"}};
  const AuthResult untraced = auth_->authenticate(request);
  ASSERT_TRUE(untraced.principal.has_value());
  EXPECT_FALSE(untraced.principal->trace.has_value());
}

TEST_F(AuthenticatorTest, UnreachableIdentityProviderIs503) {
  idp_->stop();
  AuthConfig config;
  config.issuer = idp_->url() + "/realms/demo";
  config.audience = kResource;
  Authenticator cold(config);  // no keys cached yet
  const AuthResult result = cold.authenticate("Bearer " + token(claims(now() + 300)));
  EXPECT_FALSE(result.principal.has_value());
  EXPECT_EQ(result.status, 503);
  EXPECT_THAT(result.description, HasSubstr("keys are unavailable"));
}

// The cognito profile: the pool's access tokens (no aud; token_use, client_id, username), served by
// the same key set under a pool's path.
class CognitoProfileTest : public AuthenticatorTest {
 protected:
  Authenticator cognito(std::vector<std::string> clients = {"app-client"}) const {
    AuthConfig config;
    config.profile = TokenProfile::cognito;
    config.issuer = pool_issuer();
    config.jwks_url = idp_->url() + "/realms/demo/protocol/openid-connect/certs";
    config.allowed_clients = std::move(clients);
    return Authenticator(config);
  }
  std::string pool_issuer() const { return "https://cognito-idp.us-east-1.amazonaws.com/us-east-1_AbCdEfGhI"; }
  // An access token as a pool issues it; `extra` replaces or adds claims (later keys win).
  std::string cognito_claims(const std::string& extra = "", const std::string& iss = "") const {
    return R"({"sub":"sub-alice","iss":")" + (iss.empty() ? pool_issuer() : iss) +
           R"(","client_id":"app-client","origin_jti":"o1","event_id":"e1","token_use":"access",)"
           R"("scope":"aws.cognito.signin.user.admin","auth_time":1,"exp":)" +
           std::to_string(now() + 300) + R"(,"iat":)" + std::to_string(now()) + R"(,"jti":"j1","username":"alice")" +
           extra + "}";
  }
};

TEST_F(CognitoProfileTest, APoolsAccessTokenWithoutAudIsAccepted) {
  const AuthResult result = cognito().authenticate("Bearer " + token(cognito_claims()));
  ASSERT_TRUE(result.principal.has_value()) << result.description;
  EXPECT_EQ(result.principal->subject, "sub-alice");
  EXPECT_EQ(result.principal->username, "alice");
  // The oidc profile refuses the same token: it names no audience, no type.
  EXPECT_FALSE(auth_->authenticate("Bearer " + token(cognito_claims())).principal.has_value());
}

TEST_F(CognitoProfileTest, AnIdTokenIsRefusedByItsTokenUse) {
  const std::string id_token = token(cognito_claims(R"(,"token_use":"id","aud":"app-client")"));
  const AuthResult result = cognito().authenticate("Bearer " + id_token);
  EXPECT_FALSE(result.principal.has_value());
  EXPECT_EQ(result.status, 401);
  EXPECT_THAT(result.description, HasSubstr("a token_use id token is not an access token"));
  EXPECT_THAT(cognito().authenticate("Bearer " + token(cognito_claims(R"(,"token_use":null)"))).description,
              HasSubstr("no token_use claim"));
}

TEST_F(CognitoProfileTest, OnlyTheAllowedAppClientsAreAccepted) {
  const AuthResult other = cognito().authenticate("Bearer " + token(cognito_claims(R"(,"client_id":"other-app")")));
  EXPECT_FALSE(other.principal.has_value());
  EXPECT_THAT(other.description, HasSubstr("issued to client other-app, which may not call this server"));
  const AuthResult none = cognito().authenticate("Bearer " + token(cognito_claims(R"(,"client_id":null)")));
  EXPECT_THAT(none.description, HasSubstr("issued to no client (no client_id)"));
  // azp is not Cognito's: a token naming the client there only is still refused.
  EXPECT_FALSE(cognito().authenticate("Bearer " + token(cognito_claims(R"(,"client_id":null,"azp":"app-client")")))
                   .principal.has_value());
  EXPECT_TRUE(cognito({"other-app", "app-client"}).authenticate("Bearer " + token(cognito_claims())).principal.has_value());
}

TEST_F(CognitoProfileTest, AnotherPoolsIssuerIsRefused) {
  const AuthResult result = cognito().authenticate(
      "Bearer " + token(cognito_claims("", "https://cognito-idp.us-east-1.amazonaws.com/us-east-1_Other0000")));
  EXPECT_FALSE(result.principal.has_value());
  EXPECT_THAT(result.description, HasSubstr("iss"));
}

// The sabotage switch (--no-issuer-check): the same token, behind keys the server trusts, passes.
TEST_F(CognitoProfileTest, WithoutTheIssuerCheckAnotherPoolsTokenPasses) {
  AuthConfig config;
  config.profile = TokenProfile::cognito;
  config.issuer = pool_issuer();
  config.jwks_url = idp_->url() + "/realms/demo/protocol/openid-connect/certs";
  config.allowed_clients = {"app-client"};
  config.check_issuer = false;
  const AuthResult result = Authenticator(config).authenticate(
      "Bearer " + token(cognito_claims("", "https://cognito-idp.us-east-1.amazonaws.com/us-east-1_Other0000")));
  ASSERT_TRUE(result.principal.has_value()) << result.description;
  EXPECT_EQ(result.principal->subject, "sub-alice");
}

// DPoP (RFC 9449 §7): a bound token with a proof of its key made for this very request.
class DpopAuthenticatorTest : public AuthenticatorTest {
 protected:
  std::string bound_token(const jose::Key& key) const {
    std::string payload = claims(now() + 300, kResource, "", "mcp-client", "DPoP");
    payload.insert(payload.size() - 1, R"(,"cnf":{"jkt":")" + key.thumbprint() + R"("})");
    return token(payload);
  }
  static std::string proof(const jose::Key& key, const std::string& access_token, const std::string& method = "POST",
                           const std::string& url = "http://127.0.0.1:1/mcp") {
    jose::DpopProofRequest request;
    request.htm = method;
    request.htu = url;
    request.access_token = access_token;
    return jose::create_dpop_proof(key, request);
  }
  static http::Request call(const std::string& authorization, const std::optional<std::string>& proof) {
    http::Request request;
    request.method = "POST";
    request.path = "/mcp";
    request.headers = {{"Authorization", authorization}};
    if (proof) request.headers.emplace_back("DPoP", *proof);
    return request;
  }
  static void expect_proof_refused(const AuthResult& result, const std::string& why) {
    EXPECT_FALSE(result.principal.has_value()) << why;
    EXPECT_EQ(result.status, 401) << why;
    EXPECT_THAT(result.www_authenticate, StartsWith(R"(DPoP algs="ES256 RS256", error="invalid_dpop_proof")")) << why;
    EXPECT_THAT(result.description, HasSubstr(why));
  }

  const jose::Key key_ = jose::Key::generate_ec_p256();
};

TEST_F(DpopAuthenticatorTest, ABoundTokenWithAProofOfItsKeyForThisRequestIsTheUsers) {
  const std::string jwt = bound_token(key_);
  const AuthResult result = auth_->authenticate(call("DPoP " + jwt, proof(key_, jwt)));
  ASSERT_TRUE(result.principal.has_value()) << result.description;
  EXPECT_EQ(result.principal->subject, "uuid-alice");
  EXPECT_EQ(result.principal->token, jwt);
  ASSERT_TRUE(result.principal->dpop_proof.has_value());
  EXPECT_EQ(result.principal->dpop_proof->jkt, key_.thumbprint());
  EXPECT_FALSE(auth_->charge_proof(*result.principal).has_value());
}

TEST_F(DpopAuthenticatorTest, EveryProofThatDoesNotFitTheRequestOrTheTokenIsRefused) {
  const std::string jwt = bound_token(key_);
  expect_proof_refused(auth_->authenticate(call("DPoP " + jwt, std::nullopt)), "no DPoP proof");
  expect_proof_refused(auth_->authenticate(call("DPoP " + jwt, proof(key_, jwt, "GET"))), "method_mismatch");
  expect_proof_refused(auth_->authenticate(call("DPoP " + jwt, proof(key_, jwt, "POST", "http://127.0.0.1:2/mcp"))),
                       "uri_mismatch");
  expect_proof_refused(auth_->authenticate(call("DPoP " + jwt, proof(key_, bound_token(key_) + "x"))), "ath_mismatch");
  const jose::Key other = jose::Key::generate_ec_p256();
  expect_proof_refused(auth_->authenticate(call("DPoP " + jwt, proof(other, jwt))), "key_mismatch");
  expect_proof_refused(auth_->authenticate(call("DPoP " + jwt, "not-a-proof")), "malformed");
  expect_proof_refused(auth_->authenticate("DPoP " + jwt), "no DPoP proof");
  expect_proof_refused(auth_->authenticate(call("DPoP " + token(claims(now() + 300)), proof(key_, jwt))),
                       "needs a DPoP-bound token");
  http::Request two = call("DPoP " + jwt, proof(key_, jwt));
  two.headers.emplace_back("dpop", proof(key_, jwt));
  EXPECT_EQ(auth_->authenticate(two).status, 400);
}

TEST_F(DpopAuthenticatorTest, AProofCountsOnceAndOnlyOnceTheCallIsAdmitted) {
  const std::string jwt = bound_token(key_);
  const http::Request request = call("DPoP " + jwt, proof(key_, jwt));
  const AuthResult first = auth_->authenticate(request);
  ASSERT_TRUE(first.principal.has_value()) << first.description;
  const AuthResult not_yet_charged = auth_->authenticate(request);
  ASSERT_TRUE(not_yet_charged.principal.has_value()) << "a refused call (say, over its rate limit) spends no proof";
  EXPECT_FALSE(auth_->charge_proof(*first.principal).has_value());
  expect_proof_refused(auth_->authenticate(request), "replayed");
  const auto again = auth_->charge_proof(*not_yet_charged.principal);
  ASSERT_TRUE(again.has_value()) << "two calls admitted at once with one proof: the second is refused";
  EXPECT_EQ(again->status, 401);
}

TEST_F(DpopAuthenticatorTest, EachUserHasAReplayCacheOfItsOwnAndAFullOneIs429) {
  AuthConfig small = auth_->config();
  small.dpop_replay_capacity = 1;
  Authenticator limited(small);
  limited.set_resource(kResource, kMetadata);
  const std::string jwt = bound_token(key_);
  const AuthResult first = limited.authenticate(call("DPoP " + jwt, proof(key_, jwt)));
  ASSERT_TRUE(first.principal.has_value()) << first.description;
  EXPECT_FALSE(limited.charge_proof(*first.principal).has_value());
  const AuthResult second = limited.authenticate(call("DPoP " + jwt, proof(key_, jwt)));
  ASSERT_TRUE(second.principal.has_value()) << second.description;
  const auto full = limited.charge_proof(*second.principal);
  ASSERT_TRUE(full.has_value());
  EXPECT_EQ(full->status, 429);
  EXPECT_GE(full->retry_after, 1);

  std::string bob = claims(now() + 300, kResource, "", "mcp-client", "DPoP");
  bob.replace(bob.find("uuid-alice"), 10, "uuid-bob");
  bob.insert(bob.size() - 1, R"(,"cnf":{"jkt":")" + key_.thumbprint() + R"("})");
  const std::string bob_jwt = token(bob);
  const AuthResult bobs = limited.authenticate(call("DPoP " + bob_jwt, proof(key_, bob_jwt)));
  ASSERT_TRUE(bobs.principal.has_value()) << bobs.description;
  EXPECT_FALSE(limited.charge_proof(*bobs.principal).has_value()) << "alice's full cache takes no room of bob's";
}

// The sabotage switches the scenario tests turn on (jose::DpopSabotage): each lets through its
// own bend and no other.
TEST_F(DpopAuthenticatorTest, EachSabotageSwitchLetsThroughItsOwnBendAlone) {
  const std::string jwt = bound_token(key_);
  const auto with = [&](bool jose::DpopSabotage::*setting) {
    AuthConfig sabotaged = auth_->config();
    sabotaged.unsafe_dpop.*setting = true;
    auto server = std::make_unique<Authenticator>(sabotaged);
    server->set_resource(kResource, kMetadata);
    return server;
  };
  const auto no_proof = with(&jose::DpopSabotage::no_proof);
  EXPECT_TRUE(no_proof->authenticate(call("DPoP " + jwt, std::nullopt)).principal.has_value());
  expect_proof_refused(no_proof->authenticate(call("DPoP " + jwt, proof(key_, jwt, "GET"))), "method_mismatch");
  EXPECT_FALSE(no_proof->authenticate(call("Bearer " + jwt, std::nullopt)).principal.has_value());

  const auto as_bearer = with(&jose::DpopSabotage::as_bearer);
  EXPECT_TRUE(as_bearer->authenticate(call("Bearer " + jwt, std::nullopt)).principal.has_value());
  expect_proof_refused(as_bearer->authenticate(call("DPoP " + jwt, std::nullopt)), "no DPoP proof");

  const auto no_htm = with(&jose::DpopSabotage::no_htm);
  EXPECT_TRUE(no_htm->authenticate(call("DPoP " + jwt, proof(key_, jwt, "GET"))).principal.has_value());
  expect_proof_refused(no_htm->authenticate(call("DPoP " + jwt, proof(jose::Key::generate_ec_p256(), jwt))), "key_mismatch");

  const auto no_jkt = with(&jose::DpopSabotage::no_jkt);
  EXPECT_TRUE(no_jkt->authenticate(call("DPoP " + jwt, proof(jose::Key::generate_ec_p256(), jwt))).principal.has_value());

  const auto no_replay = with(&jose::DpopSabotage::no_replay);
  const http::Request request = call("DPoP " + jwt, proof(key_, jwt));
  for (int i = 0; i < 2; ++i) {
    const AuthResult again = no_replay->authenticate(request);
    ASSERT_TRUE(again.principal.has_value()) << again.description;
    EXPECT_FALSE(no_replay->charge_proof(*again.principal).has_value());
  }
}

TEST_F(DpopAuthenticatorTest, WithoutDpopAlgorithmsTheSchemeIsNotTaken) {
  AuthConfig bearer_only = auth_->config();
  bearer_only.dpop_algs.clear();
  const Authenticator server(bearer_only);
  const std::string jwt = bound_token(key_);
  const AuthResult result = server.authenticate(call("DPoP " + jwt, proof(key_, jwt)));
  EXPECT_FALSE(result.principal.has_value());
  EXPECT_THAT(result.www_authenticate, StartsWith("Bearer"));
  EXPECT_EQ(result.description, "missing bearer token");
}

}  // namespace
}  // namespace mcph::broker
