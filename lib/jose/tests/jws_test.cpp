// Compact JWS building and splitting, and raw signatures.
#include "mcph/jose/jws.h"

#include <gtest/gtest.h>

#include <stdexcept>

#include "mcph/codec/base64.h"
#include "mcph/jose/jwt.h"
#include "test_keys.h"

namespace mcph::jose {
namespace {

using testing::jose_error_kind;

TEST(Alg, NamesAreExactAndNoneIsNotOne) {
  EXPECT_EQ(alg_from_string("RS256"), Alg::RS256);
  EXPECT_EQ(alg_from_string("ES256"), Alg::ES256);
  EXPECT_EQ(alg_from_string("HS256"), Alg::HS256);
  EXPECT_EQ(alg_from_string("rs256"), std::nullopt);
  EXPECT_EQ(alg_from_string("none"), std::nullopt);
  EXPECT_EQ(alg_from_string("PS256"), std::nullopt);
  EXPECT_EQ(to_string(Alg::ES256), "ES256");
}

TEST(Alg, FitsOnlyItsKeyType) {
  EXPECT_TRUE(alg_fits_key(Alg::RS256, KeyType::rsa));
  EXPECT_TRUE(alg_fits_key(Alg::ES256, KeyType::ec_p256));
  EXPECT_TRUE(alg_fits_key(Alg::HS256, KeyType::oct));
  EXPECT_FALSE(alg_fits_key(Alg::HS256, KeyType::rsa));
  EXPECT_FALSE(alg_fits_key(Alg::RS256, KeyType::oct));
  EXPECT_FALSE(alg_fits_key(Alg::ES256, KeyType::rsa));
}

TEST(SignJwt, BuildsTheHeaderWithAlgTypAndKid) {
  const std::string token = sign_jwt(testing::hmac_key(), Alg::HS256, R"({"sub":"a"})", "k\"1");
  const CompactJws parts = split_compact(token);
  EXPECT_EQ(parts.header_json, R"({"alg":"HS256","typ":"JWT","kid":"k\"1"})");
  EXPECT_EQ(parts.payload_json, R"({"sub":"a"})");
  EXPECT_EQ(split_compact(sign_jwt(testing::ec_key(), Alg::ES256, "{}")).header_json,
            R"({"alg":"ES256","typ":"JWT"})");
}

TEST(SplitCompact, DecodesThePartsAndKeepsTheSigningInput) {
  const std::string token = codec::base64url_encode("{\"alg\":\"HS256\"}") + "." +
                            codec::base64url_encode("payload") + "." + codec::base64url_encode("sig");
  const CompactJws parts = split_compact(token);
  EXPECT_EQ(parts.header_json, "{\"alg\":\"HS256\"}");
  EXPECT_EQ(parts.payload_json, "payload");
  EXPECT_EQ(parts.signature, "sig");
  EXPECT_EQ(parts.signing_input, token.substr(0, token.rfind('.')));
}

TEST(SplitCompact, RefusesWrongPartCountsEmptyHeaderAndBadBase64) {
  for (const char* token : {"", "abc", "abc.def", "a.b.c.d", "a.b.c.d.e", ".e30.AA", "e30.e30.A",
                            "e30.e+0.AA", "e=0.e30.AA", "e30.e30.A/A"}) {
    EXPECT_EQ(jose_error_kind([&] { split_compact(token); }), ErrorKind::malformed) << token;
  }
}

TEST(SignBytes, RefusesAlgorithmsThatDoNotFitTheKey) {
  EXPECT_EQ(jose_error_kind([] { sign_bytes(testing::rsa_key(), Alg::HS256, "x"); }),
            ErrorKind::unsupported_algorithm);
  EXPECT_EQ(jose_error_kind([] { sign_bytes(testing::hmac_key(), Alg::RS256, "x"); }),
            ErrorKind::unsupported_algorithm);
  EXPECT_EQ(jose_error_kind([] { sign_bytes(testing::ec_key(), Alg::RS256, "x"); }),
            ErrorKind::unsupported_algorithm);
  EXPECT_EQ(jose_error_kind([] { verify_bytes(testing::rsa_key(), Alg::ES256, "x", "y"); }),
            ErrorKind::unsupported_algorithm);
}

// RFC 7518 §3.2: an HS256 key must be at least as long as the hash output.
TEST(SignBytes, RefusesHmacSecretsShorterThan32Bytes) {
  const Key short_key = Key::hmac(std::string(31, 'k'));
  EXPECT_EQ(jose_error_kind([&] { sign_bytes(short_key, Alg::HS256, "x"); }),
            ErrorKind::unsupported_algorithm);
  EXPECT_NO_THROW(sign_bytes(Key::hmac(std::string(32, 'k')), Alg::HS256, "x"));
}

TEST(SignBytes, RefusesPublicOnlyKeys) {
  EXPECT_THROW(sign_bytes(testing::ec_key().public_only(), Alg::ES256, "x"), std::invalid_argument);
}

TEST(VerifyBytes, Es256UsesTheFixed64ByteForm) {
  const Key& key = testing::ec_key();
  const std::string signature = sign_bytes(key, Alg::ES256, "input");
  ASSERT_EQ(signature.size(), 64u);
  EXPECT_TRUE(verify_bytes(key, Alg::ES256, "input", signature));
  EXPECT_FALSE(verify_bytes(key, Alg::ES256, "input!", signature));
  EXPECT_FALSE(verify_bytes(key, Alg::ES256, "input", signature.substr(0, 63)));
  EXPECT_FALSE(verify_bytes(key, Alg::ES256, "input", signature + '\0'));
  EXPECT_FALSE(verify_bytes(key, Alg::ES256, "input", std::string(64, '\0')));
  // S and R swapped: still 64 bytes, no longer the signature.
  EXPECT_FALSE(
      verify_bytes(key, Alg::ES256, "input", signature.substr(32) + signature.substr(0, 32)));
}

// About one signature in 128 has an R or S with a leading zero byte; 512 signatures make
// meeting one (and so a padding bug) near certain.
TEST(VerifyBytes, Es256SignaturesAreAlways64Bytes) {
  const Key& key = testing::ec_key();
  for (int i = 0; i < 512; ++i) {
    const std::string input = "input " + std::to_string(i);
    const std::string signature = sign_bytes(key, Alg::ES256, input);
    ASSERT_EQ(signature.size(), 64u) << i;
    ASSERT_TRUE(verify_bytes(key, Alg::ES256, input, signature)) << i;
  }
}

TEST(VerifyBytes, Hs256RejectsAnyChangedOrResizedMac) {
  const Key& key = testing::hmac_key();
  const std::string mac = sign_bytes(key, Alg::HS256, "input");
  ASSERT_EQ(mac.size(), 32u);
  EXPECT_TRUE(verify_bytes(key, Alg::HS256, "input", mac));
  for (std::size_t i = 0; i < mac.size(); ++i) {
    std::string flipped = mac;
    flipped[i] = static_cast<char>(flipped[i] ^ 0x80);
    EXPECT_FALSE(verify_bytes(key, Alg::HS256, "input", flipped)) << "byte " << i;
  }
  EXPECT_FALSE(verify_bytes(key, Alg::HS256, "input", mac.substr(0, 31)));
  EXPECT_FALSE(verify_bytes(key, Alg::HS256, "input", mac + "x"));
  EXPECT_FALSE(verify_bytes(key, Alg::HS256, "input", ""));
}

TEST(VerifyBytes, Rs256RejectsWrongLengthAndOtherKeys) {
  const std::string signature = sign_bytes(testing::rsa_key(), Alg::RS256, "input");
  EXPECT_EQ(signature.size(), 256u);
  EXPECT_TRUE(verify_bytes(testing::rsa_key(), Alg::RS256, "input", signature));
  EXPECT_FALSE(verify_bytes(testing::other_rsa_key(), Alg::RS256, "input", signature));
  EXPECT_FALSE(verify_bytes(testing::rsa_key(), Alg::RS256, "input", signature.substr(1)));
  EXPECT_FALSE(verify_bytes(testing::rsa_key(), Alg::RS256, "input", ""));
}

TEST(UnverifiedPayload, DecodesWithoutCheckingAndNeverThrows) {
  const std::string token = sign_jwt(testing::hmac_key(), Alg::HS256, R"({"sub":"x"})");
  EXPECT_EQ(unverified_payload(token), R"({"sub":"x"})");
  EXPECT_EQ(unverified_payload("garbage"), std::nullopt);
  EXPECT_EQ(unverified_payload("a.!!.c"), std::nullopt);
}

}  // namespace
}  // namespace mcph::jose
