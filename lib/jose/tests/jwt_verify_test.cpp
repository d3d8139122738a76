// verify_jwt: what it accepts, and one test per way a token is refused.
#include <gtest/gtest.h>

#include <limits>
#include <nlohmann/json.hpp>

#include "mcph/codec/base64.h"
#include "mcph/jose/jwt.h"
#include "test_keys.h"

namespace mcph::jose {
namespace {

using Json = nlohmann::json;
using testing::expect_rejected;
using testing::keycloak_claims;
using testing::keycloak_options;
using testing::kNow;
using testing::rsa_key_set;
using testing::rsa_token;

// A compact token from raw header and payload text, signed with the test HMAC key (so
// malformed headers and payloads can carry a valid signature).
std::string hmac_compact(std::string_view header, std::string_view payload) {
  return sign_compact(testing::hmac_key(), Alg::HS256, header, payload);
}

JwkSet hmac_key_set() {
  JwkSet keys;
  keys.add(Jwk{testing::hmac_key(), "hmac-1", std::nullopt, ""});
  return keys;
}

VerifyOptions hmac_options() {
  VerifyOptions options = keycloak_options();
  options.allowed_algs = {Alg::HS256};
  return options;
}

std::string hmac_token(const Json& claims) {
  return sign_jwt(testing::hmac_key(), Alg::HS256, claims.dump(), "hmac-1");
}

Json claims_with(const char* name, Json value) {
  Json claims = keycloak_claims();
  claims[name] = std::move(value);
  return claims;
}

Json claims_without(const char* name) {
  Json claims = keycloak_claims();
  claims.erase(name);
  return claims;
}

// ---- acceptance ----------------------------------------------------------------------------

TEST(VerifyJwt, AcceptsAKeycloakAccessToken) {
  const std::string token = rsa_token(keycloak_claims());
  const VerifiedJwt jwt = verify_jwt(token, rsa_key_set(), keycloak_options());
  EXPECT_EQ(jwt.alg, Alg::RS256);
  EXPECT_EQ(jwt.kid, "rsa-1");
  EXPECT_EQ(jwt.iss, testing::kIssuer);
  EXPECT_EQ(jwt.sub, "8c1e6c2a-4c77-4f43-9d2e-2d5f8a0b7e11");
  EXPECT_EQ(jwt.aud, (std::vector<std::string>{"mcp-client", "account"}));
  EXPECT_EQ(jwt.exp, kNow + 290);
  EXPECT_EQ(jwt.iat, kNow - 10);
  EXPECT_EQ(jwt.nbf, std::nullopt);
  EXPECT_EQ(Json::parse(jwt.payload_json)["preferred_username"], "alice");
  EXPECT_EQ(Json::parse(jwt.header_json)["typ"], "JWT");
  EXPECT_EQ(jwt.typ, "JWT");
  EXPECT_EQ(jwt.typ_claim, "Bearer");
  EXPECT_EQ(jwt.azp, "mcp-client");
  EXPECT_EQ(jwt.preferred_username, "alice");
}

// typ, azp and preferred_username are read for the caller to check, not checked here: absent
// or not strings, they are empty and the token is still accepted (as go-jose, behind Vault,
// reads them).
TEST(VerifyJwt, ReadsTypAzpAndPreferredUsernameAsEmptyWhenAbsentOrNotStrings) {
  Json claims = keycloak_claims();
  claims.erase("typ");
  claims["azp"] = 7;
  claims["preferred_username"] = Json::array({"alice"});
  const VerifiedJwt jwt =
      verify_jwt(hmac_compact(R"({"alg":"HS256","kid":"hmac-1","typ":5})", claims.dump()), hmac_key_set(),
                 hmac_options());
  EXPECT_EQ(jwt.typ, "");
  EXPECT_EQ(jwt.typ_claim, "");
  EXPECT_EQ(jwt.azp, "");
  EXPECT_EQ(jwt.preferred_username, "");
  EXPECT_EQ(jwt.sub, "8c1e6c2a-4c77-4f43-9d2e-2d5f8a0b7e11");
}

// cnf (RFC 7800) is read for the caller: a token bound to a key is one a server that verifies no
// proof of possession must refuse; Keycloak's typ claim DPoP says the same without a cnf.
TEST(VerifyJwt, ReadsTheConfirmationClaimAndTellsAKeyBoundToken) {
  const auto verified = [](const Json& claims) { return verify_jwt(rsa_token(claims), rsa_key_set(), keycloak_options()); };
  const VerifiedJwt bearer = verified(keycloak_claims());
  EXPECT_FALSE(bearer.has_cnf);
  EXPECT_EQ(bearer.cnf_jkt, "");
  EXPECT_FALSE(is_key_bound(bearer));

  Json dpop = keycloak_claims();
  dpop["typ"] = "DPoP";
  dpop["cnf"] = {{"jkt", "0ZcOCORZNYy-DWpqq30jZyJGHTN0d2HglBV3uiguA4I"}};
  const VerifiedJwt bound = verified(dpop);
  EXPECT_TRUE(bound.has_cnf);
  EXPECT_EQ(bound.cnf_jkt, "0ZcOCORZNYy-DWpqq30jZyJGHTN0d2HglBV3uiguA4I");
  EXPECT_TRUE(is_key_bound(bound));

  Json certificate = keycloak_claims();
  certificate["cnf"] = {{"x5t#S256", "bwcK0esc3ACC3DB2Y5_lESsXE8o9ltc05O89jdN-dg2"}};
  const VerifiedJwt certificate_bound = verified(certificate);
  EXPECT_EQ(certificate_bound.cnf_jkt, "");
  EXPECT_TRUE(is_key_bound(certificate_bound));

  Json typed = keycloak_claims();
  typed["typ"] = "DPoP";
  EXPECT_TRUE(is_key_bound(verified(typed)));
}

TEST(VerifyJwt, AcceptsAStringAudience) {
  const VerifiedJwt jwt =
      verify_jwt(rsa_token(claims_with("aud", "mcp-client")), rsa_key_set(), keycloak_options());
  EXPECT_EQ(jwt.aud, std::vector<std::string>{"mcp-client"});
}

TEST(VerifyJwt, WithoutKidTriesEveryKeyThatFits) {
  JwkSet keys;
  keys.add(Jwk{testing::other_rsa_key().public_only(), "other", std::nullopt, ""});
  keys.add(Jwk{testing::ec_key().public_only(), "ec", std::nullopt, ""});
  keys.add(Jwk{testing::rsa_key().public_only(), "rsa-1", std::nullopt, ""});
  const std::string token = rsa_token(keycloak_claims(), "");
  EXPECT_EQ(verify_jwt(token, keys, keycloak_options()).kid, "");
}

TEST(VerifyJwt, Es256AndHs256WhenAllowed) {
  JwkSet keys;
  keys.add(Jwk{testing::ec_key().public_only(), "ec-1", Alg::ES256, "sig"});
  VerifyOptions options = keycloak_options();
  options.allowed_algs = {Alg::ES256};
  const std::string token =
      sign_jwt(testing::ec_key(), Alg::ES256, keycloak_claims().dump(), "ec-1");
  EXPECT_EQ(verify_jwt(token, keys, options).alg, Alg::ES256);
  EXPECT_EQ(verify_jwt(hmac_token(keycloak_claims()), hmac_key_set(), hmac_options()).alg,
            Alg::HS256);
}

TEST(VerifyJwt, ReadsTheSystemClockWhenNowIsUnset) {
  VerifyOptions options = keycloak_options();
  options.now.reset();
  // Issued at kNow (2023) with a 290 s life: long expired by the real clock.
  expect_rejected(rsa_token(keycloak_claims()), rsa_key_set(), options, ErrorKind::expired);
}

// ---- algorithm policy ------------------------------------------------------------------------

TEST(VerifyJwt, RejectsAlgNone) {
  const std::string header = codec::base64url_encode(R"({"alg":"none","typ":"JWT"})");
  const std::string payload = codec::base64url_encode(keycloak_claims().dump());
  VerifyOptions options = keycloak_options();
  options.allowed_algs = {Alg::RS256, Alg::ES256, Alg::HS256};
  expect_rejected(header + "." + payload + ".", rsa_key_set(), options,
                  ErrorKind::unsupported_algorithm, "'none'");
  // A signature part does not help.
  expect_rejected(header + "." + payload + "." + codec::base64url_encode("sig"), rsa_key_set(), options,
                  ErrorKind::unsupported_algorithm);
  const std::string none_variant = codec::base64url_encode(R"({"alg":"None"})");
  expect_rejected(none_variant + "." + payload + ".", rsa_key_set(), options,
                  ErrorKind::unsupported_algorithm);
}

// The classic confusion: an attacker signs HS256 with the server's RSA public key (PEM text) as
// the HMAC secret, hoping the verifier feeds that key to HMAC.
TEST(VerifyJwt, RejectsHs256SignedWithTheRsaPublicKey) {
  const Key forged_secret = Key::hmac(testing::rsa_key().public_pem());
  VerifyOptions options = keycloak_options();
  options.allowed_algs = {Alg::RS256, Alg::HS256};  // even when HS256 is allowed
  const std::string with_kid =
      sign_jwt(forged_secret, Alg::HS256, keycloak_claims().dump(), "rsa-1");
  expect_rejected(with_kid, rsa_key_set(), options, ErrorKind::unsupported_algorithm,
                  "cannot be used with a key of type RSA");
  const std::string without_kid = sign_jwt(forged_secret, Alg::HS256, keycloak_claims().dump());
  expect_rejected(without_kid, rsa_key_set(), options, ErrorKind::unsupported_algorithm);
  // The key type alone decides, also when the JWK does not declare its alg.
  JwkSet undeclared;
  undeclared.add(Jwk{testing::rsa_key().public_only(), "rsa-1", std::nullopt, ""});
  expect_rejected(with_kid, undeclared, options, ErrorKind::unsupported_algorithm,
                  "cannot be used with a key of type RSA");
  expect_rejected(without_kid, undeclared, options, ErrorKind::unsupported_algorithm);
}

TEST(VerifyJwt, RejectsAlgorithmNotInTheAllowList) {
  JwkSet keys = rsa_key_set();
  keys.add(Jwk{testing::ec_key().public_only(), "ec-1", std::nullopt, ""});
  const std::string token =
      sign_jwt(testing::ec_key(), Alg::ES256, keycloak_claims().dump(), "ec-1");
  expect_rejected(token, keys, keycloak_options(), ErrorKind::unsupported_algorithm,
                  "ES256 is not in the allowed list");
}

TEST(VerifyJwt, RejectsUnknownAlgorithms) {
  const std::string payload = codec::base64url_encode(keycloak_claims().dump());
  for (const char* header : {R"({"alg":"PS256"})", R"({"alg":"HS512"})", R"({"alg":"EdDSA"})"}) {
    expect_rejected(codec::base64url_encode(header) + "." + payload + ".AAAA", rsa_key_set(),
                    keycloak_options(), ErrorKind::unsupported_algorithm);
  }
}

TEST(VerifyJwt, RejectsKeysDeclaredForAnotherAlgOrForEncryption) {
  JwkSet declared_es256;
  declared_es256.add(Jwk{testing::hmac_key(), "hmac-1", Alg::ES256, ""});
  expect_rejected(hmac_token(keycloak_claims()), declared_es256, hmac_options(),
                  ErrorKind::unsupported_algorithm, "declared for ES256");

  JwkSet encryption_only;
  encryption_only.add(Jwk{testing::rsa_key().public_only(), "rsa-1", std::nullopt, "enc"});
  expect_rejected(rsa_token(keycloak_claims()), encryption_only, keycloak_options(),
                  ErrorKind::unsupported_algorithm, "encryption");
}

TEST(VerifyJwt, RejectsHs256WithAShortSecret) {
  JwkSet keys;
  keys.add(Jwk{Key::hmac("short"), "hmac-1", std::nullopt, ""});
  expect_rejected(hmac_token(keycloak_claims()), keys, hmac_options(),
                  ErrorKind::unsupported_algorithm, "at least 32 bytes");
}

// ---- keys and signatures ----------------------------------------------------------------------

TEST(VerifyJwt, RejectsUnknownKid) {
  expect_rejected(rsa_token(keycloak_claims(), "rotated-away"), rsa_key_set(), keycloak_options(),
                  ErrorKind::unknown_kid, "'rotated-away'");
}

TEST(VerifyJwt, RejectsWhenTheKeySetIsEmpty) {
  expect_rejected(rsa_token(keycloak_claims(), ""), JwkSet{}, keycloak_options(),
                  ErrorKind::unknown_kid, "empty");
}

TEST(VerifyJwt, RejectsAValidSignatureFromAnotherKey) {
  const std::string token =
      sign_jwt(testing::other_rsa_key(), Alg::RS256, keycloak_claims().dump(), "rsa-1");
  expect_rejected(token, rsa_key_set(), keycloak_options(), ErrorKind::bad_signature, "'rsa-1'");
  const std::string without_kid =
      sign_jwt(testing::other_rsa_key(), Alg::RS256, keycloak_claims().dump());
  expect_rejected(without_kid, rsa_key_set(), keycloak_options(), ErrorKind::bad_signature);
}

TEST(VerifyJwt, RejectsAChangedPayload) {
  const std::string token = rsa_token(keycloak_claims());
  const std::size_t first = token.find('.');
  const std::size_t second = token.find('.', first + 1);
  const std::string forged = token.substr(0, first + 1) +
                             codec::base64url_encode(claims_with("sub", "bob").dump()) +
                             token.substr(second);
  expect_rejected(forged, rsa_key_set(), keycloak_options(), ErrorKind::bad_signature);
}

// ---- claims
// --------------------------------------------------------------------------------------

TEST(VerifyJwt, RejectsAudienceArrayWithoutOurs) {
  const Json aud = {"account", "other-client"};
  expect_rejected(rsa_token(claims_with("aud", aud)), rsa_key_set(), keycloak_options(),
                  ErrorKind::wrong_audience, "'mcp-client'");
  expect_rejected(rsa_token(claims_with("aud", Json::array())), rsa_key_set(), keycloak_options(),
                  ErrorKind::wrong_audience);
  expect_rejected(rsa_token(claims_with("aud", "mcp-client-2")), rsa_key_set(), keycloak_options(),
                  ErrorKind::wrong_audience);
}

TEST(VerifyJwt, RejectsWrongIssuer) {
  expect_rejected(rsa_token(claims_with("iss", "http://127.0.0.1:41001/realms/other")),
                  rsa_key_set(), keycloak_options(), ErrorKind::wrong_issuer, "realms/other");
}

TEST(VerifyJwt, RejectsExpiredToken) {
  expect_rejected(rsa_token(claims_with("exp", kNow - 1)), rsa_key_set(), keycloak_options(),
                  ErrorKind::expired, "expired at 1699999999");
}

TEST(VerifyJwt, RejectsNotBeforeInTheFuture) {
  expect_rejected(rsa_token(claims_with("nbf", kNow + 60)), rsa_key_set(), keycloak_options(),
                  ErrorKind::not_yet_valid, "1700000060");
}

TEST(VerifyJwt, RejectsIssuedAtInTheFuture) {
  expect_rejected(rsa_token(claims_with("iat", kNow + 60)), rsa_key_set(), keycloak_options(),
                  ErrorKind::issued_in_future, "1700000060");
}

TEST(VerifyJwt, RejectsMissingRequiredClaims) {
  expect_rejected(rsa_token(claims_without("exp")), rsa_key_set(), keycloak_options(),
                  ErrorKind::missing_claim, "'exp'");
  expect_rejected(rsa_token(claims_without("iss")), rsa_key_set(), keycloak_options(),
                  ErrorKind::missing_claim, "'iss'");
  expect_rejected(rsa_token(claims_without("aud")), rsa_key_set(), keycloak_options(),
                  ErrorKind::missing_claim, "'aud'");
}

TEST(VerifyJwt, AcceptsMissingClaimsThatAreNotRequired) {
  VerifyOptions options = keycloak_options();
  options.require_exp = false;
  options.issuer.reset();
  options.audience.reset();
  Json claims = keycloak_claims();
  for (const char* name : {"exp", "iss", "aud"}) {
    claims.erase(name);
  }
  const VerifiedJwt jwt = verify_jwt(rsa_token(claims), rsa_key_set(), options);
  EXPECT_EQ(jwt.exp, std::nullopt);
  EXPECT_EQ(jwt.iss, "");
  EXPECT_TRUE(jwt.aud.empty());
}

// A token accepted once is checked again, on a later use, by its time claims alone: the
// clock moved on, so exp and nbf decide; the rest was settled when it was accepted.
TEST(CheckTimeClaims, ALaterUseOfAnAcceptedTokenIsRefusedOnceItExpires) {
  VerifyOptions options = keycloak_options();
  const VerifiedJwt jwt = verify_jwt(rsa_token(keycloak_claims()), rsa_key_set(), options);
  EXPECT_NO_THROW(check_time_claims(jwt, options));
  options.now = kNow + 290;  // exp
  try {
    check_time_claims(jwt, options);
    ADD_FAILURE() << "an expired token passed";
  } catch (const JoseError& e) {
    EXPECT_EQ(e.kind(), ErrorKind::expired);
    EXPECT_NE(std::string(e.what()).find("expired at 1700000290"), std::string::npos) << e.what();
  }
  options.leeway = std::chrono::seconds(1);
  EXPECT_NO_THROW(check_time_claims(jwt, options));
}

TEST(CheckTimeClaims, ATokenNotYetValidOnAnEarlierClockIsRefused) {
  VerifyOptions options = keycloak_options();
  const VerifiedJwt jwt = verify_jwt(rsa_token(claims_with("nbf", kNow)), rsa_key_set(), options);
  options.now = kNow - 1;
  try {
    check_time_claims(jwt, options);
    ADD_FAILURE() << "a token before its nbf passed";
  } catch (const JoseError& e) {
    EXPECT_EQ(e.kind(), ErrorKind::not_yet_valid);
  }
}

// RFC 7519 §4.1.4: valid only before exp; §4.1.5: valid from nbf on. Leeway moves both edges.
TEST(VerifyJwt, LeewayAtTheExpBoundary) {
  VerifyOptions options = keycloak_options();
  expect_rejected(rsa_token(claims_with("exp", kNow)), rsa_key_set(), options, ErrorKind::expired);
  EXPECT_NO_THROW(verify_jwt(rsa_token(claims_with("exp", kNow + 1)), rsa_key_set(), options));

  options.leeway = std::chrono::seconds(30);
  expect_rejected(rsa_token(claims_with("exp", kNow - 30)), rsa_key_set(), options,
                  ErrorKind::expired, "leeway 30 s");
  EXPECT_NO_THROW(verify_jwt(rsa_token(claims_with("exp", kNow - 29)), rsa_key_set(), options));
}

TEST(VerifyJwt, LeewayAtTheNbfAndIatBoundaries) {
  VerifyOptions options = keycloak_options();
  EXPECT_NO_THROW(verify_jwt(rsa_token(claims_with("nbf", kNow)), rsa_key_set(), options));
  expect_rejected(rsa_token(claims_with("nbf", kNow + 1)), rsa_key_set(), options,
                  ErrorKind::not_yet_valid);
  EXPECT_NO_THROW(verify_jwt(rsa_token(claims_with("iat", kNow)), rsa_key_set(), options));
  expect_rejected(rsa_token(claims_with("iat", kNow + 1)), rsa_key_set(), options,
                  ErrorKind::issued_in_future);

  options.leeway = std::chrono::seconds(30);
  EXPECT_NO_THROW(verify_jwt(rsa_token(claims_with("nbf", kNow + 30)), rsa_key_set(), options));
  expect_rejected(rsa_token(claims_with("nbf", kNow + 31)), rsa_key_set(), options,
                  ErrorKind::not_yet_valid);
  EXPECT_NO_THROW(verify_jwt(rsa_token(claims_with("iat", kNow + 30)), rsa_key_set(), options));
  expect_rejected(rsa_token(claims_with("iat", kNow + 31)), rsa_key_set(), options,
                  ErrorKind::issued_in_future);
}

// Fractions round the strict way: exp down, nbf up.
TEST(VerifyJwt, FractionalDatesNeverExtendValidity) {
  expect_rejected(hmac_token(claims_with("exp", kNow + 0.5)), hmac_key_set(), hmac_options(),
                  ErrorKind::expired);
  expect_rejected(hmac_token(claims_with("nbf", kNow + 0.5)), hmac_key_set(), hmac_options(),
                  ErrorKind::not_yet_valid);
  EXPECT_EQ(
      verify_jwt(hmac_token(claims_with("exp", kNow + 1.5)), hmac_key_set(), hmac_options()).exp,
      kNow + 1);
}

TEST(VerifyJwt, ExtremeDatesDoNotOverflow) {
  VerifyOptions options = hmac_options();
  options.leeway = std::chrono::seconds(std::numeric_limits<std::int64_t>::max());
  const auto max = std::numeric_limits<std::int64_t>::max();
  EXPECT_NO_THROW(verify_jwt(hmac_token(claims_with("exp", max)), hmac_key_set(), options));
  EXPECT_NO_THROW(verify_jwt(hmac_token(claims_with("nbf", max)), hmac_key_set(), options));
  options.leeway = std::chrono::seconds(0);
  expect_rejected(hmac_token(claims_with("exp", std::numeric_limits<std::int64_t>::min())),
                  hmac_key_set(), options, ErrorKind::expired);
}

TEST(VerifyJwt, NegativeLeewayCountsAsZero) {
  VerifyOptions options = keycloak_options();
  options.leeway = std::chrono::seconds(-100);
  EXPECT_NO_THROW(verify_jwt(rsa_token(claims_with("exp", kNow + 1)), rsa_key_set(), options));
}

// ---- malformed input -----------------------------------------------------------------------

TEST(VerifyJwt, RejectsClaimsOfTheWrongType) {
  const struct {
    const char* name;
    Json value;
  } cases[] = {
      {"exp", "1700000300"},
      {"exp", true},
      {"exp", Json::array({1})},
      {"nbf", "now"},
      {"iat", Json::object()},
      {"exp", 18446744073709551615ull},
      {"exp", 1e300},
      {"iss", 42},
      {"sub", Json::array({"a"})},
      {"aud", 7},
      {"aud", Json::array({"mcp-client", 7})},
  };
  for (const auto& bad : cases) {
    expect_rejected(hmac_token(claims_with(bad.name, bad.value)), hmac_key_set(), hmac_options(),
                    ErrorKind::malformed, bad.name);
  }
}

TEST(VerifyJwt, RejectsHeadersAndPayloadsThatAreNotJsonObjects) {
  const std::string claims = keycloak_claims().dump();
  const std::string header = R"({"alg":"HS256","kid":"hmac-1"})";
  const struct {
    std::string header, payload;
    const char* message;
  } cases[] = {
      {"not json", claims, "header is not valid JSON"},
      {R"(["HS256"])", claims, "header is not a JSON object"},
      {header, "not json", "payload is not valid JSON"},
      {header, "[1,2,3]", "payload is not a JSON object"},
      {header, "\"string\"", "payload is not a JSON object"},
      {header, std::string(5000, '[') + std::string(5000, ']'), "payload is not a JSON object"},
      {header, "{\"sub\":\"\xC3\x28\"}", "payload is not valid JSON"},  // invalid UTF-8
      {R"({"kid":"hmac-1"})", claims, "no string 'alg'"},
      {R"({"alg":256})", claims, "no string 'alg'"},
      {R"({"alg":"HS256","kid":7})", claims, "'kid' must be a string"},
      {R"({"alg":"HS256","crit":["exp"],"exp":1})", claims, "crit"},
  };
  for (const auto& bad : cases) {
    expect_rejected(hmac_compact(bad.header, bad.payload), hmac_key_set(), hmac_options(),
                    ErrorKind::malformed, bad.message);
  }
}

TEST(VerifyJwt, RejectsEmptyParts) {
  const std::string token = hmac_token(keycloak_claims());
  const std::size_t first = token.find('.');
  const std::size_t second = token.find('.', first + 1);
  expect_rejected(token.substr(first), hmac_key_set(), hmac_options(), ErrorKind::malformed,
                  "header part is empty");
  expect_rejected(token.substr(0, first + 1) + token.substr(second), hmac_key_set(), hmac_options(),
                  ErrorKind::malformed, "payload part is empty");
  expect_rejected(token.substr(0, second + 1), hmac_key_set(), hmac_options(), ErrorKind::malformed,
                  "signature part is empty");
}

TEST(VerifyJwt, RejectsTruncatedTokens) {
  const std::string token = rsa_token(keycloak_claims());
  const std::size_t second = token.rfind('.');
  expect_rejected(token.substr(0, second), rsa_key_set(), keycloak_options(), ErrorKind::malformed,
                  "3 dot-separated parts, this has 2");
  expect_rejected(token.substr(0, token.find('.') / 2), rsa_key_set(), keycloak_options(),
                  ErrorKind::malformed);
  // Cut inside the signature: either no longer base64url or too short to verify.
  for (std::size_t cut = 1; cut <= 4; ++cut) {
    try {
      verify_jwt(token.substr(0, token.size() - cut), rsa_key_set(), keycloak_options());
      ADD_FAILURE() << "accepted a token cut by " << cut;
    } catch (const JoseError& error) {
      EXPECT_TRUE(error.kind() == ErrorKind::malformed || error.kind() == ErrorKind::bad_signature)
          << to_string(error.kind());
    }
  }
}

TEST(VerifyJwt, RejectsOversizedTokens) {
  VerifyOptions options = keycloak_options();
  const std::string token = rsa_token(keycloak_claims());
  options.max_token_bytes = token.size();
  EXPECT_NO_THROW(verify_jwt(token, rsa_key_set(), options));
  options.max_token_bytes = token.size() - 1;
  expect_rejected(token, rsa_key_set(), options, ErrorKind::malformed, "over the limit");

  Json huge = keycloak_claims();
  huge["padding"] = std::string(20 * 1024, 'x');
  expect_rejected(rsa_token(huge), rsa_key_set(), keycloak_options(), ErrorKind::malformed,
                  "over the limit of 16384");
}

TEST(VerifyJwt, RejectsGarbage) {
  const std::string binary("\x00\xFF\x01.\x80\x7F.\x00", 8);
  for (const std::string& garbage :
       {std::string(""), std::string("."), std::string(".."), std::string("..."),
        std::string("a.b.c"), std::string("!!!.###.$$$"), std::string("Bearer abc.def.ghi"),
        std::string(" eyJhbGciOiJSUzI1NiJ9.e30.AAAA"), binary, std::string(100, '.'),
        std::string(10000, 'A')}) {
    expect_rejected(garbage, rsa_key_set(), keycloak_options(), ErrorKind::malformed);
  }
}

// A DER-encoded ECDSA signature (what OpenSSL produces natively) is not a JOSE ES256 signature.
TEST(VerifyJwt, RejectsEs256SignatureInDerForm) {
  JwkSet keys;
  keys.add(Jwk{testing::ec_key().public_only(), "ec-1", std::nullopt, ""});
  VerifyOptions options = keycloak_options();
  options.allowed_algs = {Alg::ES256};
  const std::string token =
      sign_jwt(testing::ec_key(), Alg::ES256, keycloak_claims().dump(), "ec-1");
  const std::string signature = split_compact(token).signature;
  // Hand-made DER SEQUENCE { INTEGER r, INTEGER s } with 32-byte positive integers.
  std::string der = "\x30\x46\x02\x21";
  der += '\0' + signature.substr(0, 32) + "\x02\x21" + '\0' + signature.substr(32);
  const std::string der_token = token.substr(0, token.rfind('.') + 1) + codec::base64url_encode(der);
  expect_rejected(der_token, keys, options, ErrorKind::malformed, "64-byte R||S");
}

TEST(VerifyJwt, ErrorMessagesNeverContainKeyMaterial) {
  const Key forged_secret = Key::hmac(testing::rsa_key().public_pem());
  VerifyOptions options = keycloak_options();
  options.allowed_algs = {Alg::RS256, Alg::HS256};
  const std::string token = sign_jwt(forged_secret, Alg::HS256, keycloak_claims().dump(), "rsa-1");
  try {
    verify_jwt(token, rsa_key_set(), options);
    FAIL();
  } catch (const JoseError& error) {
    const std::string message = error.what();
    const std::string pem = testing::rsa_key().public_pem();
    EXPECT_EQ(message.find(pem.substr(27, 40)), std::string::npos);  // a line of the key body
    EXPECT_EQ(message.find("BEGIN"), std::string::npos);
  }
  // A hostile kid is cut short and cannot inject lines into logs.
  const std::string hostile_kid = "evil\nFAKE LOG LINE" + std::string(500, 'k');
  try {
    verify_jwt(rsa_token(keycloak_claims(), hostile_kid), rsa_key_set(), keycloak_options());
    FAIL();
  } catch (const JoseError& error) {
    const std::string message = error.what();
    EXPECT_EQ(error.kind(), ErrorKind::unknown_kid);
    EXPECT_EQ(message.find('\n'), std::string::npos);
    EXPECT_LT(message.size(), 200u);
  }
}

TEST(ErrorKind, HasAStableNameForEachKind) {
  EXPECT_EQ(to_string(ErrorKind::malformed), "malformed");
  EXPECT_EQ(to_string(ErrorKind::unsupported_algorithm), "unsupported_algorithm");
  EXPECT_EQ(to_string(ErrorKind::unknown_kid), "unknown_kid");
  EXPECT_EQ(to_string(ErrorKind::bad_signature), "bad_signature");
  EXPECT_EQ(to_string(ErrorKind::expired), "expired");
  EXPECT_EQ(to_string(ErrorKind::not_yet_valid), "not_yet_valid");
  EXPECT_EQ(to_string(ErrorKind::issued_in_future), "issued_in_future");
  EXPECT_EQ(to_string(ErrorKind::wrong_issuer), "wrong_issuer");
  EXPECT_EQ(to_string(ErrorKind::wrong_audience), "wrong_audience");
  EXPECT_EQ(to_string(ErrorKind::missing_claim), "missing_claim");
}

}  // namespace
}  // namespace mcph::jose
