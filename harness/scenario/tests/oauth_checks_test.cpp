// The authorization-server family's checks on what an oauth step saw, and the tokens it forges.
#include <gtest/gtest.h>

#include "mcph/codec/base64.h"
#include "mcph/jose/jwk.h"
#include "mcph/jose/jwt.h"
#include "mcph/jose/well_known_secrets.h"
#include "oauth_checks.h"
#include "token_forgeries.h"

namespace mcph::harness::scenario {
namespace {

using Json = nlohmann::json;
using Verdict = reports::Check::Verdict;

StepOutcome token_answer(int status, const Json& body, http::Fields headers, const std::string& client_auth) {
  StepOutcome outcome;
  outcome.http.status = status;
  outcome.result = body;
  outcome.http.headers = std::move(headers);
  outcome.grant.oauth_error = body.value("error", "");
  outcome.grant.ok = status == 200 && body.contains("access_token");
  outcome.oauth = OAuthObservation{};
  outcome.oauth->request = "token";
  outcome.oauth->client_auth = client_auth;
  outcome.oauth->client_scopes = {"read"};
  return outcome;
}

TEST(TokenError, InvalidClientAfterBasicIsA401WithABasicChallenge) {
  const Json error = {{"error", "invalid_client"}};
  const auto good = token_answer(401, error, {{"WWW-Authenticate", "Basic realm=\"x\""}, {"Cache-Control", "no-store"}},
                                 "client_secret_basic");
  EXPECT_EQ(check_token_error("invalid_client", good).verdict, Verdict::held);
  const auto bad = token_answer(400, error, {{"Cache-Control", "no-store"}}, "client_secret_basic");
  const auto check = check_token_error("invalid_client", bad);
  EXPECT_EQ(check.verdict, Verdict::failed);
  EXPECT_NE(check.actual.find("not 401"), std::string::npos) << check.actual;
  EXPECT_NE(check.actual.find("no WWW-Authenticate"), std::string::npos) << check.actual;
  // In the body, 400 without a challenge is as good as 401 with one.
  EXPECT_EQ(check_token_error("invalid_client", token_answer(400, error, {{"Cache-Control", "no-store"}}, "client_secret_post")).verdict,
            Verdict::held);
}

TEST(TokenError, OtherErrorsAre400WithNoStore) {
  const auto cached = token_answer(400, {{"error", "invalid_scope"}}, {}, "client_secret_post");
  EXPECT_EQ(check_token_error("invalid_scope", cached).verdict, Verdict::failed);
  const auto other = token_answer(400, {{"error", "invalid_request"}}, {{"Cache-Control", "no-store"}}, "client_secret_post");
  EXPECT_EQ(check_token_error("invalid_scope", other).verdict, Verdict::failed);
}

// A list names the codes that are each right: a grant the server serves, but not to this client.
TEST(TokenError, AListTakesAnyOfItsCodesAndNamesThemAllWhenNoneCame) {
  const Json codes = Json::array({"unsupported_grant_type", "unauthorized_client"});
  const http::Fields no_store = {{"Cache-Control", "no-store"}};
  EXPECT_EQ(check_token_error(codes, token_answer(400, {{"error", "unauthorized_client"}}, no_store, "client_secret_post")).verdict,
            Verdict::held);
  EXPECT_EQ(check_token_error(codes, token_answer(400, {{"error", "unsupported_grant_type"}}, no_store, "client_secret_post")).verdict,
            Verdict::held);
  const auto check = check_token_error(codes, token_answer(400, {{"error", "invalid_grant"}}, no_store, "client_secret_post"));
  EXPECT_EQ(check.verdict, Verdict::failed);
  EXPECT_NE(check.actual.find("not unsupported_grant_type or unauthorized_client"), std::string::npos) << check.actual;
}

TEST(ScopeWithinClient, TakesARefusalOrANarrowerGrantOnly) {
  EXPECT_EQ(check_scope_within_client(true, token_answer(400, {{"error", "invalid_scope"}}, {}, "")).verdict, Verdict::held);
  EXPECT_EQ(check_scope_within_client(true, token_answer(200, {{"access_token", "x"}, {"scope", "read"}}, {}, "")).verdict,
            Verdict::held);
  const auto check = check_scope_within_client(true, token_answer(200, {{"access_token", "x"}, {"scope", "read-all"}}, {}, ""));
  EXPECT_EQ(check.verdict, Verdict::failed);
  EXPECT_NE(check.actual.find("read-all"), std::string::npos);
}

TEST(JwksPublicOnly, NamesThePrivateMembers) {
  StepOutcome outcome;
  outcome.oauth = OAuthObservation{};
  outcome.oauth->jwks_status = 200;
  const jose::Jwk key{jose::Key::generate_ec_p256(), "k1", jose::Alg::ES256, "sig"};
  outcome.oauth->jwks = {{"keys", Json::array({Json::parse(key.to_public_json())})}};
  EXPECT_EQ(check_jwks_public_only(true, outcome).verdict, Verdict::held);
  outcome.oauth->jwks = {{"keys", Json::array({Json::parse(key.to_private_json())})}};
  const auto check = check_jwks_public_only(true, outcome);
  EXPECT_EQ(check.verdict, Verdict::failed);
  EXPECT_NE(check.actual.find("kid k1 publishes d"), std::string::npos) << check.actual;
}

TEST(TokenForgeries, SignWithWhatWasPublished) {
  const jose::Key key = jose::Key::generate_ec_p256();
  const jose::Jwk jwk{key, "k1", jose::Alg::ES256, "sig"};
  const Json claims = {{"iss", "https://as.test"}, {"sub", "agent-a"}};
  const auto public_only = forge_with_published_keys({{"keys", Json::array({Json::parse(jwk.to_public_json())})}}, claims);
  EXPECT_EQ(public_only.size(), 1 + jose::well_known_hs256_secrets().size());  // the public key as an HS256 secret, the defaults

  const auto leaked = forge_with_published_keys({{"keys", Json::array({Json::parse(jwk.to_private_json())})}}, claims);
  ASSERT_EQ(leaked.size(), public_only.size() + 1);
  jose::JwkSet verifier;
  verifier.add(jose::Jwk{key.public_only(), "k1", jose::Alg::ES256, "sig"});
  jose::VerifyOptions options;
  options.allowed_algs = {jose::Alg::ES256};
  options.require_exp = false;
  EXPECT_EQ(jose::verify_jwt(leaked.front().token, verifier, options).sub, "agent-a") << leaked.front().made;
}

// A `k` in the standard alphabet with padding is no base64url, yet lenient verifiers decode it;
// others key HMAC with the text itself. A forgery is made for each reading.
TEST(TokenForgeries, ASymmetricKeyIsSignedWithAsItsBytesAndAsItsText) {
  std::string secret(32, '\xfb');  // encodes to '+' and '/' in the standard alphabet
  secret[0] = 'x';
  const std::string k = codec::base64_encode(secret);
  ASSERT_FALSE(codec::base64url_decode(k));
  const Json claims = {{"iss", "https://as.test"}, {"sub", "agent-a"}};
  const auto forged = forge_with_published_keys({{"keys", Json::array({{{"kty", "oct"}, {"kid", "s1"}, {"k", k}}})}}, claims);
  ASSERT_EQ(forged.size(), 2 + jose::well_known_hs256_secrets().size());

  jose::VerifyOptions options;
  options.allowed_algs = {jose::Alg::HS256};
  options.require_exp = false;
  for (const auto& [made, key] : {std::pair{0, secret}, std::pair{1, k}}) {
    jose::JwkSet verifier;
    verifier.add(jose::Jwk{jose::Key::hmac(key), "s1", jose::Alg::HS256, "sig"});
    EXPECT_EQ(jose::verify_jwt(forged[made].token, verifier, options).sub, "agent-a") << forged[made].made;
  }
  EXPECT_NE(forged[1].made.find("the text of the `k`"), std::string::npos) << forged[1].made;
}

}  // namespace
}  // namespace mcph::harness::scenario
