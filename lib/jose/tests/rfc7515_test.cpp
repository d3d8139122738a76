// RFC 7515 Appendix A: the published JWS examples, reproduced or verified.
#include <gtest/gtest.h>

#include "mcph/codec/base64.h"
#include "mcph/jose/jwk.h"
#include "mcph/jose/jws.h"
#include "mcph/jose/jwt.h"
#include "rfc_vectors.h"
#include "test_keys.h"

namespace mcph::jose {
namespace {

using testing::expect_rejected;

// The examples expire at kExampleExp; verify them a minute before.
VerifyOptions example_options(Alg alg) {
  VerifyOptions options;
  options.allowed_algs = {alg};
  options.now = rfc::kExampleExp - 60;
  return options;
}

JwkSet set_of(const Key& key) {
  JwkSet keys;
  keys.add(Jwk{key, "", std::nullopt, ""});
  return keys;
}

// RFC 7515 A.1.1
TEST(Rfc7515, A1Hs256ReproducesTheCompactToken) {
  ASSERT_NE(rfc::kA1Header.find("\r\n"), std::string_view::npos);  // the octets matter
  const Key key = Jwk::from_json(rfc::kA1KeyJwk).key;
  EXPECT_EQ(sign_compact(key, Alg::HS256, rfc::kA1Header, rfc::kA1Payload), rfc::kA1Token);
}

// RFC 7515 A.1.2
TEST(Rfc7515, A1Hs256TokenVerifies) {
  const Key key = Jwk::from_json(rfc::kA1KeyJwk).key;
  const VerifiedJwt jwt = verify_jwt(rfc::kA1Token, set_of(key), example_options(Alg::HS256));
  EXPECT_EQ(jwt.alg, Alg::HS256);
  EXPECT_EQ(jwt.iss, "joe");
  EXPECT_EQ(jwt.exp, rfc::kExampleExp);
  EXPECT_EQ(jwt.header_json, rfc::kA1Header);
  EXPECT_EQ(jwt.payload_json, rfc::kA1Payload);
}

TEST(Rfc7515, A1Hs256TokenIsExpiredAtItsExp) {
  const Key key = Jwk::from_json(rfc::kA1KeyJwk).key;
  VerifyOptions options = example_options(Alg::HS256);
  options.now = rfc::kExampleExp;
  expect_rejected(rfc::kA1Token, set_of(key), options, ErrorKind::expired);
}

// RFC 7515 A.2.1: RSASSA-PKCS1-v1_5 is deterministic, so the signature is reproduced exactly.
TEST(Rfc7515, A2Rs256ReproducesTheSignature) {
  const Jwk jwk = Jwk::from_json(rfc::kA2KeyJwk);
  ASSERT_TRUE(jwk.key.has_private());
  EXPECT_EQ(sign_compact(jwk.key, Alg::RS256, rfc::kA2Header, rfc::kA1Payload), rfc::kA2Token);
}

// RFC 7515 A.2.2
TEST(Rfc7515, A2Rs256TokenVerifiesWithThePublicKey) {
  const Key public_key = Jwk::from_json(rfc::kA2KeyJwk).key.public_only();
  const VerifiedJwt jwt =
      verify_jwt(rfc::kA2Token, set_of(public_key), example_options(Alg::RS256));
  EXPECT_EQ(jwt.alg, Alg::RS256);
  EXPECT_EQ(jwt.iss, "joe");

  const CompactJws parts = split_compact(rfc::kA2Token);
  EXPECT_TRUE(verify_bytes(public_key, Alg::RS256, parts.signing_input, parts.signature));
  std::string tampered = parts.signature;
  tampered[100] = static_cast<char>(tampered[100] ^ 0x01);
  EXPECT_FALSE(verify_bytes(public_key, Alg::RS256, parts.signing_input, tampered));
}

// RFC 7515 A.3.2: ECDSA is randomized, so the published signature is verified, not reproduced.
TEST(Rfc7515, A3Es256PublishedSignatureVerifies) {
  const Key public_key = Jwk::from_json(rfc::kA3KeyJwk).key.public_only();
  const CompactJws parts = split_compact(rfc::kA3Token);
  ASSERT_EQ(parts.signature.size(), 64u);  // R || S, 32 bytes each
  EXPECT_TRUE(verify_bytes(public_key, Alg::ES256, parts.signing_input, parts.signature));

  const VerifiedJwt jwt =
      verify_jwt(rfc::kA3Token, set_of(public_key), example_options(Alg::ES256));
  EXPECT_EQ(jwt.alg, Alg::ES256);
  EXPECT_EQ(jwt.iss, "joe");
}

TEST(Rfc7515, A3Es256TamperedPayloadIsBadSignature) {
  const Key public_key = Jwk::from_json(rfc::kA3KeyJwk).key.public_only();
  const CompactJws parts = split_compact(rfc::kA3Token);
  const std::string forged = codec::base64url_encode(parts.header_json) + "." +
                             codec::base64url_encode(R"({"iss":"joe","exp":1300819380})") + "." +
                             codec::base64url_encode(parts.signature);
  expect_rejected(forged, set_of(public_key), example_options(Alg::ES256),
                  ErrorKind::bad_signature);
}

TEST(Rfc7515, A3Es256SignAndVerifyRoundTrip) {
  const Key key = Jwk::from_json(rfc::kA3KeyJwk).key;
  const std::string first = sign_compact(key, Alg::ES256, rfc::kA3Header, rfc::kA1Payload);
  const std::string second = sign_compact(key, Alg::ES256, rfc::kA3Header, rfc::kA1Payload);
  EXPECT_NE(first, second);  // a fresh nonce each time
  for (const std::string& token : {first, second}) {
    EXPECT_EQ(split_compact(token).signature.size(), 64u);
    EXPECT_EQ(verify_jwt(token, set_of(key.public_only()), example_options(Alg::ES256)).iss, "joe");
  }
  // Same signing input as the RFC's token: its first two parts are identical.
  EXPECT_EQ(first.substr(0, first.rfind('.')), rfc::kA3Token.substr(0, rfc::kA3Token.rfind('.')));
}

}  // namespace
}  // namespace mcph::jose
