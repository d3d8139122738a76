// DPoP proofs (RFC 9449): what a client makes verifies, and each check of §4.3 refuses what it
// is there to refuse, with its own DpopCheck and a message that shows neither proof nor token.
#include "mcph/jose/dpop.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "mcph/codec/base64.h"
#include "mcph/jose/jwk.h"
#include "test_keys.h"

namespace mcph::jose {
namespace {

using nlohmann::json;
using testing::ec_key;
using testing::kNow;
using testing::rsa_key;
using ::testing::HasSubstr;
using ::testing::Not;

constexpr const char* kTokenUrl = "https://idp.example/realms/demo/protocol/openid-connect/token";
constexpr const char* kAccessToken = "eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJhZ2VudCJ9.c2lnbmF0dXJlLW9mLXRoZS10b2tlbg";

DpopProofRequest token_request() {
  DpopProofRequest request;
  request.htm = "POST";
  request.htu = kTokenUrl;
  request.iat = kNow;
  return request;
}

DpopVerifyOptions token_options() {
  DpopVerifyOptions options;
  options.htm = "POST";
  options.htu = kTokenUrl;
  options.now = kNow;
  return options;
}

// A proof with the given header and claims, signed by key: for the checks a client never fails.
std::string forge(const Key& key, Alg alg, const json& header, const json& claims) {
  return sign_compact(key, alg, header.dump(), claims.dump());
}

json ec_public_jwk() { return json::parse(Jwk{ec_key().public_only(), {}, std::nullopt, {}}.to_public_json()); }

json good_header() { return {{"typ", "dpop+jwt"}, {"alg", "ES256"}, {"jwk", ec_public_jwk()}}; }
json good_claims() { return {{"jti", "proof-1"}, {"htm", "POST"}, {"htu", kTokenUrl}, {"iat", kNow}}; }

DpopCheck rejection(std::string_view proof, const DpopVerifyOptions& options, DpopReplayCache* cache = nullptr) {
  try {
    verify_dpop_proof(proof, options, cache);
  } catch (const DpopError& error) {
    if (proof.size() >= 20) {
      EXPECT_THAT(error.what(), Not(HasSubstr(std::string(proof.substr(0, 20)))));
    }
    EXPECT_THAT(error.what(), Not(HasSubstr(kAccessToken)));
    return error.check();
  }
  ADD_FAILURE() << "the proof was accepted";
  return DpopCheck::malformed;
}

TEST(DpopTest, AProofMadeForARequestVerifiesAndNamesItsKeysThumbprint) {
  const std::string proof = create_dpop_proof(ec_key(), token_request());
  const VerifiedDpopProof verified = verify_dpop_proof(proof, token_options(), nullptr);
  EXPECT_EQ(verified.alg, Alg::ES256);
  EXPECT_EQ(verified.jkt, ec_key().thumbprint());
  EXPECT_EQ(verified.htm, "POST");
  EXPECT_EQ(verified.htu, kTokenUrl);
  EXPECT_EQ(verified.iat, kNow);
  EXPECT_FALSE(verified.jti.empty());
}

TEST(DpopTest, TheProofHasTheHeaderAndClaimsOfRfc9449) {
  DpopProofRequest request = token_request();
  request.htu = std::string(kTokenUrl) + "?x=1#frag";
  request.access_token = kAccessToken;
  request.nonce = "n-1";
  const CompactJws parts = split_compact(create_dpop_proof(ec_key(), request));
  const json header = json::parse(parts.header_json);
  EXPECT_EQ(header["typ"], "dpop+jwt");
  EXPECT_EQ(header["alg"], "ES256");
  EXPECT_EQ(header["jwk"]["kty"], "EC");
  EXPECT_FALSE(header["jwk"].contains("d"));
  const json claims = json::parse(parts.payload_json);
  EXPECT_EQ(claims["htu"], kTokenUrl);  // without query and fragment (§4.2)
  EXPECT_EQ(claims["ath"], dpop_access_token_hash(kAccessToken));
  EXPECT_EQ(claims["nonce"], "n-1");
  EXPECT_NE(json::parse(split_compact(create_dpop_proof(ec_key(), token_request())).payload_json)["jti"],
            claims["jti"]);
}

TEST(DpopTest, RsaKeysMakeRs256Proofs) {
  const VerifiedDpopProof verified = verify_dpop_proof(create_dpop_proof(rsa_key(), token_request()), token_options(), nullptr);
  EXPECT_EQ(verified.alg, Alg::RS256);
  EXPECT_EQ(verified.jkt, rsa_key().thumbprint());
}

TEST(DpopTest, AthIsTheBase64urlSha256OfTheToken) {
  // RFC 9449 §7.1's example: the access token "Kz~8mXK1EalYznwH-LC-1fBAo.4Ljp~zsPE_NeO.gxU" and
  // its ath.
  EXPECT_EQ(dpop_access_token_hash("Kz~8mXK1EalYznwH-LC-1fBAo.4Ljp~zsPE_NeO.gxU"),
            "fUHyO2r2Z3DZ53EsNrWBb0xWXoaNy59IiKCAqksmQEo");
}

TEST(DpopTest, TheUriIsComparedWithoutQueryFragmentCaseOfHostAndDefaultPort) {
  EXPECT_EQ(dpop_normalized_uri("HTTPS://IdP.Example:443/a/B?q=1#f"), "https://idp.example/a/B");
  EXPECT_EQ(dpop_normalized_uri("http://h:80"), "http://h/");
  EXPECT_EQ(dpop_normalized_uri("http://h:8080/x"), "http://h:8080/x");
  DpopVerifyOptions options = token_options();
  options.htu = "https://IDP.example:443/realms/demo/protocol/openid-connect/token?ignored=1";
  EXPECT_NO_THROW(verify_dpop_proof(create_dpop_proof(ec_key(), token_request()), options, nullptr));
}

TEST(DpopTest, RefusesWhatIsNotACompactJws) {
  EXPECT_EQ(rejection("", token_options()), DpopCheck::malformed);
  EXPECT_EQ(rejection("a.b", token_options()), DpopCheck::malformed);
  EXPECT_EQ(rejection("e30.e30.!!", token_options()), DpopCheck::malformed);
  const std::string array_header = codec::base64url_encode("[]") + ".e30.c2ln";
  EXPECT_EQ(rejection(array_header, token_options()), DpopCheck::malformed);
  DpopVerifyOptions small = token_options();
  small.max_proof_bytes = 100;
  EXPECT_EQ(rejection(create_dpop_proof(ec_key(), token_request()), small), DpopCheck::malformed);
}

TEST(DpopTest, RefusesAProofWithoutEachRequiredMember) {
  for (const char* member : {"typ", "alg", "jwk"}) {
    json header = good_header();
    header.erase(member);
    EXPECT_EQ(rejection(forge(ec_key(), Alg::ES256, header, good_claims()), token_options()), DpopCheck::missing_member)
        << member;
  }
  for (const char* claim : {"jti", "htm", "htu", "iat"}) {
    json claims = good_claims();
    claims.erase(claim);
    EXPECT_EQ(rejection(forge(ec_key(), Alg::ES256, good_header(), claims), token_options()), DpopCheck::missing_member)
        << claim;
  }
  json empty_jti = good_claims();
  empty_jti["jti"] = "";
  EXPECT_EQ(rejection(forge(ec_key(), Alg::ES256, good_header(), empty_jti), token_options()), DpopCheck::missing_member);
  json string_iat = good_claims();
  string_iat["iat"] = "1700000000";
  EXPECT_EQ(rejection(forge(ec_key(), Alg::ES256, good_header(), string_iat), token_options()), DpopCheck::malformed);
}

TEST(DpopTest, RefusesAnotherTyp) {
  for (const char* typ : {"JWT", "at+jwt", "DPOP+JWT"}) {
    json header = good_header();
    header["typ"] = typ;
    EXPECT_EQ(rejection(forge(ec_key(), Alg::ES256, header, good_claims()), token_options()), DpopCheck::wrong_type) << typ;
  }
}

TEST(DpopTest, RefusesNoneSymmetricUnknownAndDisallowedAlgorithms) {
  json none = good_header();
  none["alg"] = "none";
  const std::string unsigned_proof =
      codec::base64url_encode(none.dump()) + "." + codec::base64url_encode(good_claims().dump()) + ".";
  EXPECT_EQ(rejection(unsigned_proof, token_options()), DpopCheck::unsupported_algorithm);
  json hs = good_header();
  hs["alg"] = "HS256";
  EXPECT_EQ(rejection(forge(testing::hmac_key(), Alg::HS256, hs, good_claims()), token_options()),
            DpopCheck::unsupported_algorithm);
  json ps = good_header();
  ps["alg"] = "PS256";
  EXPECT_EQ(rejection(forge(ec_key(), Alg::ES256, ps, good_claims()), token_options()), DpopCheck::unsupported_algorithm);
  DpopVerifyOptions es_only = token_options();
  es_only.allowed_algs = {Alg::ES256};
  EXPECT_EQ(rejection(create_dpop_proof(rsa_key(), token_request()), es_only), DpopCheck::unsupported_algorithm);
  json rs_with_ec_key = good_header();
  rs_with_ec_key["alg"] = "RS256";
  EXPECT_EQ(rejection(forge(rsa_key(), Alg::RS256, rs_with_ec_key, good_claims()), token_options()),
            DpopCheck::unsupported_algorithm);
}

TEST(DpopTest, RefusesAJwkThatIsNoPublicKey) {
  json not_object = good_header();
  not_object["jwk"] = "key";
  EXPECT_EQ(rejection(forge(ec_key(), Alg::ES256, not_object, good_claims()), token_options()), DpopCheck::bad_jwk);
  json off_curve = good_header();
  off_curve["jwk"]["x"] = codec::base64url_encode(std::string(32, '\x01'));
  EXPECT_EQ(rejection(forge(ec_key(), Alg::ES256, off_curve, good_claims()), token_options()), DpopCheck::bad_jwk);
  json oct = good_header();
  oct["jwk"] = {{"kty", "oct"}, {"k", codec::base64url_encode(std::string(32, 'k'))}};
  EXPECT_EQ(rejection(forge(ec_key(), Alg::ES256, oct, good_claims()), token_options()), DpopCheck::private_key_in_jwk);
}

// The attacker's signature (by a key of its own) under the victim's jwk.
std::string signed_by_another_key() {
  const CompactJws parts = split_compact(create_dpop_proof(Key::generate_ec_p256(), token_request()));
  return codec::base64url_encode(good_header().dump()) + "." + codec::base64url_encode(parts.payload_json) + "." +
         codec::base64url_encode(parts.signature);
}

TEST(DpopTest, RefusesASignatureByAnotherKey) {
  EXPECT_EQ(rejection(signed_by_another_key(), token_options()), DpopCheck::bad_signature);
}

// The key built from a jwk is kept for the next proofs that carry it (proof_keys.h): a proof
// under a jwk already seen must still have its own signature checked.
TEST(DpopTest, ChecksEachSignatureUnderAJwkAlreadySeen) {
  const std::string honest = forge(ec_key(), Alg::ES256, good_header(), good_claims());
  EXPECT_NO_THROW(verify_dpop_proof(honest, token_options(), nullptr));
  EXPECT_EQ(rejection(signed_by_another_key(), token_options()), DpopCheck::bad_signature);
  EXPECT_NO_THROW(verify_dpop_proof(honest, token_options(), nullptr));
  EXPECT_EQ(verify_dpop_proof(honest, token_options(), nullptr).jkt, ec_key().thumbprint());
}

TEST(DpopTest, RefusesAJwkWithItsPrivateKey) {
  json header = good_header();
  header["jwk"] = json::parse(Jwk{ec_key(), {}, std::nullopt, {}}.to_private_json());
  ASSERT_TRUE(header["jwk"].contains("d"));
  EXPECT_EQ(rejection(forge(ec_key(), Alg::ES256, header, good_claims()), token_options()), DpopCheck::private_key_in_jwk);
  DpopVerifyOptions as_keycloak = token_options();
  as_keycloak.refuse_private_jwk = false;
  EXPECT_NO_THROW(verify_dpop_proof(forge(ec_key(), Alg::ES256, header, good_claims()), as_keycloak, nullptr));
}

TEST(DpopTest, RefusesAProofForAnotherMethodOrUri) {
  DpopVerifyOptions get = token_options();
  get.htm = "GET";
  EXPECT_EQ(rejection(create_dpop_proof(ec_key(), token_request()), get), DpopCheck::method_mismatch);
  DpopProofRequest lower_method = token_request();
  lower_method.htm = "post";
  EXPECT_EQ(rejection(create_dpop_proof(ec_key(), lower_method), token_options()), DpopCheck::method_mismatch);
  DpopVerifyOptions elsewhere = token_options();
  elsewhere.htu = "https://idp.example/realms/demo/protocol/openid-connect/userinfo";
  EXPECT_EQ(rejection(create_dpop_proof(ec_key(), token_request()), elsewhere), DpopCheck::uri_mismatch);
  DpopVerifyOptions other_host = token_options();
  other_host.htu = "https://attacker.example/realms/demo/protocol/openid-connect/token";
  EXPECT_EQ(rejection(create_dpop_proof(ec_key(), token_request()), other_host), DpopCheck::uri_mismatch);
}

TEST(DpopTest, RefusesAMissingOrWrongNonceWhenTheServerAskedForOne) {
  DpopVerifyOptions with_nonce = token_options();
  with_nonce.nonce = "server-nonce";
  EXPECT_EQ(rejection(create_dpop_proof(ec_key(), token_request()), with_nonce), DpopCheck::nonce_mismatch);
  DpopProofRequest wrong = token_request();
  wrong.nonce = "old-nonce";
  EXPECT_EQ(rejection(create_dpop_proof(ec_key(), wrong), with_nonce), DpopCheck::nonce_mismatch);
  DpopProofRequest right = token_request();
  right.nonce = "server-nonce";
  EXPECT_NO_THROW(verify_dpop_proof(create_dpop_proof(ec_key(), right), with_nonce, nullptr));
}

TEST(DpopTest, AcceptsIatOnlyWithinLifetimeAndSkew) {
  // Keycloak's defaults: 10 s of life, 15 s of skew: iat in [now - 25, now + 15].
  for (const std::int64_t offset : {-25, 0, 15}) {
    DpopProofRequest request = token_request();
    request.iat = kNow + offset;
    EXPECT_NO_THROW(verify_dpop_proof(create_dpop_proof(ec_key(), request), token_options(), nullptr)) << offset;
  }
  for (const std::int64_t offset : {-26, 16, -300}) {
    DpopProofRequest request = token_request();
    request.iat = kNow + offset;
    EXPECT_EQ(rejection(create_dpop_proof(ec_key(), request), token_options()), DpopCheck::not_active) << offset;
  }
}

TEST(DpopTest, RefusesAReplayedJtiUntilTheProofCouldNoLongerBeAccepted) {
  DpopReplayCache cache;
  DpopProofRequest request = token_request();
  request.jti = "once";
  const std::string proof = create_dpop_proof(ec_key(), request);
  EXPECT_NO_THROW(verify_dpop_proof(proof, token_options(), &cache));
  EXPECT_EQ(rejection(proof, token_options(), &cache), DpopCheck::replayed);
  // The same jti under another key is another proof.
  EXPECT_NO_THROW(verify_dpop_proof(create_dpop_proof(rsa_key(), request), token_options(), &cache));
  EXPECT_EQ(cache.size(), 2u);
  // Past iat + lifetime + skew an entry is dropped — as is any chance its proof is accepted.
  DpopReplayCache expiring;
  EXPECT_TRUE(expiring.remember("k", "late", kNow + 1, kNow));
  EXPECT_FALSE(expiring.remember("k", "late", kNow + 1, kNow + 1));
  EXPECT_TRUE(expiring.remember("k", "later", kNow + 100, kNow + 2));
  EXPECT_EQ(expiring.size(), 1u);
}

TEST(DpopTest, ARejectedProofLeavesNoTraceInTheReplayCache) {
  DpopReplayCache cache;
  DpopVerifyOptions get = token_options();
  get.htm = "GET";
  const std::string proof = create_dpop_proof(ec_key(), token_request());
  EXPECT_EQ(rejection(proof, get, &cache), DpopCheck::method_mismatch);
  EXPECT_EQ(cache.size(), 0u);
  EXPECT_NO_THROW(verify_dpop_proof(proof, token_options(), &cache));
}

// Verified without a cache, a proof is charged later (by a server that first learns who sent it):
// until then it is in no cache, and once charged a second use is the same replay as ever.
TEST(DpopTest, AProofVerifiedWithoutACacheIsChargedLaterUntilItCouldNoLongerBeAccepted) {
  DpopReplayCache cache;
  DpopProofRequest request = token_request();
  request.iat = kNow - 3;
  const VerifiedDpopProof verified = verify_dpop_proof(create_dpop_proof(ec_key(), request), token_options(), nullptr);
  EXPECT_EQ(verified.replayable_until, kNow - 3 + 10 + 15);
  EXPECT_FALSE(cache.contains(verified.jkt, verified.jti, kNow));
  remember_dpop_proof(verified, cache, kNow);
  EXPECT_TRUE(cache.contains(verified.jkt, verified.jti, kNow));
  EXPECT_EQ(cache.first_expiry(), verified.replayable_until);
  try {
    remember_dpop_proof(verified, cache, kNow);
    ADD_FAILURE() << "a second charge of the same proof was taken";
  } catch (const DpopError& error) {
    EXPECT_EQ(error.check(), DpopCheck::replayed);
  }
  EXPECT_FALSE(cache.contains(verified.jkt, verified.jti, verified.replayable_until + 1));
}

TEST(DpopTest, AFullReplayCacheRefusesNewProofsInsteadOfForgettingLiveOnes) {
  DpopReplayCache cache(2);
  EXPECT_TRUE(cache.remember("k", "1", kNow + 10, kNow));
  EXPECT_TRUE(cache.remember("k", "2", kNow + 10, kNow));
  EXPECT_THROW(
      {
        try {
          cache.remember("k", "3", kNow + 10, kNow);
        } catch (const DpopError& error) {
          EXPECT_EQ(error.check(), DpopCheck::replay_cache_full);
          throw;
        }
      },
      DpopError);
  EXPECT_FALSE(cache.remember("k", "1", kNow + 10, kNow));  // still remembered
  EXPECT_TRUE(cache.remember("k", "3", kNow + 20, kNow + 11));  // room again once they expired
}

// Each UNSAFE switch takes the one proof its check refuses; every other check still refuses.
TEST(DpopTest, EachUnsafeSwitchSkipsItsOwnCheckAlone) {
  struct Case {
    bool DpopVerifyOptions::*check;
    DpopCheck refused;
    DpopProofRequest request = token_request();
    DpopProofTampering tampering;
  };
  std::vector<Case> cases(7);
  const auto refusing = [&](std::size_t i, bool DpopVerifyOptions::*check, DpopCheck refused) -> Case& {
    cases[i].check = check;
    cases[i].refused = refused;
    return cases[i];
  };
  refusing(0, &DpopVerifyOptions::check_typ, DpopCheck::wrong_type).tampering.typ = "JWT";
  refusing(1, &DpopVerifyOptions::refuse_unsigned, DpopCheck::unsupported_algorithm).tampering.alg = "none";
  refusing(2, &DpopVerifyOptions::check_htm, DpopCheck::method_mismatch).request.htm = "GET";
  refusing(3, &DpopVerifyOptions::check_htu, DpopCheck::uri_mismatch).request.htu = "https://elsewhere.example/token";
  refusing(4, &DpopVerifyOptions::check_iat, DpopCheck::not_active).request.iat = kNow - 300;
  refusing(5, &DpopVerifyOptions::check_ath, DpopCheck::ath_mismatch).tampering.ath = "another";
  refusing(6, &DpopVerifyOptions::refuse_private_jwk, DpopCheck::private_key_in_jwk).tampering.private_jwk = true;
  DpopVerifyOptions options = token_options();
  options.access_token = kAccessToken;
  for (Case& c : cases) {
    const std::string name(to_string(c.refused));
    c.request.access_token = kAccessToken;
    const std::string bent = create_dpop_proof(ec_key(), c.request, c.tampering);
    EXPECT_EQ(rejection(bent, options), c.refused) << name;
    DpopVerifyOptions unsafe = options;
    unsafe.*c.check = false;
    EXPECT_NO_THROW(verify_dpop_proof(bent, unsafe, nullptr)) << name;
    // The same proof bent once more, for another key than the token's: still refused.
    unsafe.expected_jkt = rsa_key().thumbprint();
    EXPECT_EQ(rejection(bent, unsafe), DpopCheck::key_mismatch) << name;
  }
  // Under the unsigned switch a proof that claims a real alg still needs its signature.
  DpopVerifyOptions unsigned_taken = options;
  unsigned_taken.refuse_unsigned = false;
  DpopProofRequest request = token_request();
  request.access_token = kAccessToken;
  std::string proof = create_dpop_proof(ec_key(), request);
  // A character inside the signature (the last one also holds padding bits a decoder may refuse).
  char& inside = proof[proof.size() - 10];
  inside = inside == 'A' ? 'B' : 'A';
  EXPECT_EQ(rejection(proof, unsigned_taken), DpopCheck::bad_signature);
}

TEST(DpopTest, WithAnAccessTokenRequiresTheMatchingAth) {
  DpopVerifyOptions resource = token_options();
  resource.access_token = kAccessToken;
  EXPECT_EQ(rejection(create_dpop_proof(ec_key(), token_request()), resource), DpopCheck::missing_ath);
  DpopProofRequest other_token = token_request();
  other_token.access_token = "another.access.token";
  EXPECT_EQ(rejection(create_dpop_proof(ec_key(), other_token), resource), DpopCheck::ath_mismatch);
  DpopProofRequest right = token_request();
  right.access_token = kAccessToken;
  EXPECT_NO_THROW(verify_dpop_proof(create_dpop_proof(ec_key(), right), resource, nullptr));
}

TEST(DpopTest, RefusesAProofByAKeyOtherThanTheTokensCnfJkt) {
  DpopVerifyOptions bound = token_options();
  bound.expected_jkt = ec_key().thumbprint();
  EXPECT_NO_THROW(verify_dpop_proof(create_dpop_proof(ec_key(), token_request()), bound, nullptr));
  EXPECT_EQ(rejection(create_dpop_proof(Key::generate_ec_p256(), token_request()), bound), DpopCheck::key_mismatch);
}

// What a client under test may change in a proof: each change is refused by the check it is for.
TEST(DpopTest, TamperedProofsAreRefusedByTheCheckEachProbes) {
  DpopProofRequest request = token_request();
  request.access_token = kAccessToken;
  DpopVerifyOptions options = token_options();
  options.access_token = kAccessToken;
  const auto tampered = [&](auto edit) {
    DpopProofTampering tampering;
    edit(tampering);
    return create_dpop_proof(ec_key(), request, tampering);
  };
  EXPECT_NO_THROW(verify_dpop_proof(tampered([](auto&) {}), options, nullptr));
  EXPECT_EQ(rejection(tampered([](auto& t) { t.typ = "JWT"; }), options), DpopCheck::wrong_type);
  EXPECT_EQ(rejection(tampered([](auto& t) { t.typ = ""; }), options), DpopCheck::missing_member);
  EXPECT_EQ(rejection(tampered([](auto& t) { t.alg = "none"; }), options), DpopCheck::unsupported_algorithm);
  EXPECT_EQ(rejection(tampered([](auto& t) { t.alg = "HS256"; }), options), DpopCheck::unsupported_algorithm);
  EXPECT_EQ(rejection(tampered([](auto& t) { t.private_jwk = true; }), options), DpopCheck::private_key_in_jwk);
  EXPECT_EQ(rejection(tampered([](auto& t) { t.ath = dpop_access_token_hash("another"); }), options), DpopCheck::ath_mismatch);
  const auto header = json::parse(split_compact(tampered([](auto& t) { t.private_jwk = true; })).header_json);
  EXPECT_TRUE(header.at("jwk").contains("d"));
}

TEST(DpopTest, TheThumbprintIsRfc7638s) {
  // RFC 7638 §3.1's example RSA key and its thumbprint.
  const Jwk jwk = Jwk::from_json(R"({"kty":"RSA","e":"AQAB","alg":"RS256","kid":"2011-04-29","n":)"
                                 R"("0vx7agoebGcQSuuPiLJXZptN9nndrQmbXEps2aiAFbWhM78LhWx4cbbfAAtVT86zwu1RK7aPFFxuhDR1L6tSoc_)"
                                 R"(BJECPebWKRXjBZCiFV4n3oknjhMstn64tZ_2W-5JsGY4Hc5n9yBXArwl93lqt7_RN5w6Cf0h4QyQ5v-65YGjQR0_)"
                                 R"(FDW2QvzqY368QQMicAtaSqzs8KJZgnYb9c7d0zgdAZHzu6qMQvRL5hajrn1n91CbOpbISD08qNLyrdkt-bFTWhAI4)"
                                 R"(vMQFh6WeZu0fM4lFd2NcRwr3XPksINHaQ-G_xBniIqbw0Ls1jF44-csFCur-kEgU8awapJzKnqDKgw"})");
  EXPECT_EQ(jwk.key.thumbprint(), "NzbLsXh8uDCcd-6MNwXF4W_7noWXFZAfHkxZsRGC9Xs");
}

TEST(DpopTest, CreatingAProofNeedsAPrivateAsymmetricKeyAndTheRequest) {
  EXPECT_THROW(create_dpop_proof(ec_key().public_only(), token_request()), std::invalid_argument);
  EXPECT_THROW(create_dpop_proof(testing::hmac_key(), token_request()), JoseError);
  DpopProofRequest no_uri = token_request();
  no_uri.htu.clear();
  EXPECT_THROW(create_dpop_proof(ec_key(), no_uri), std::invalid_argument);
}

TEST(DpopAlgList, AsymmetricAlgorithmsAreReadInOrderAndAnythingElseIsRefused) {
  EXPECT_EQ(dpop_algs_from_list("ES256,RS256"), (std::vector<Alg>{Alg::ES256, Alg::RS256}));
  EXPECT_EQ(dpop_algs_from_list("RS256"), (std::vector<Alg>{Alg::RS256}));
  EXPECT_EQ(dpop_algs_from_list("ES256,HS256"), std::nullopt) << "a shared secret proves possession of nothing";
  EXPECT_EQ(dpop_algs_from_list("none"), std::nullopt);
  EXPECT_EQ(dpop_algs_from_list("ES256,"), std::nullopt);
  EXPECT_EQ(dpop_algs_from_list(""), std::nullopt);
}

}  // namespace
}  // namespace mcph::jose
