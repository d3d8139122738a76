// RFC 7517 Appendix A: the published JWK examples imported, checked and exported again; and the
// RFC 7638 thumbprint of the A.1 RSA key.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "mcph/codec/base64.h"
#include "mcph/jose/jwk.h"
#include "mcph/jose/jws.h"
#include "rfc_vectors.h"

namespace mcph::jose {
namespace {

using Json = nlohmann::json;

Json published_key(std::string_view set, std::size_t index) {
  return Json::parse(set)["keys"][index];
}

// RFC 7517 A.1
TEST(Rfc7517, A1PublicKeysImportWithTheirMembers) {
  const JwkSet set = JwkSet::from_json(rfc::kJwkA1PublicKeys);
  ASSERT_EQ(set.keys().size(), 2u);

  const Jwk& ec = set.keys()[0];
  EXPECT_EQ(ec.key.type(), KeyType::ec_p256);
  EXPECT_FALSE(ec.key.has_private());
  EXPECT_EQ(ec.kid, "1");
  EXPECT_EQ(ec.use, "enc");
  EXPECT_EQ(ec.alg, std::nullopt);

  const Jwk& rsa = set.keys()[1];
  EXPECT_EQ(rsa.key.type(), KeyType::rsa);
  EXPECT_FALSE(rsa.key.has_private());
  EXPECT_EQ(rsa.kid, "2011-04-29");
  EXPECT_EQ(rsa.alg, Alg::RS256);
  EXPECT_EQ(rsa.use, "");
  EXPECT_EQ(set.find("2011-04-29"), &rsa);
  EXPECT_EQ(set.find("1"), &ec);
  EXPECT_EQ(set.find("2"), nullptr);
}

// The numbers went into OpenSSL intact: the SubjectPublicKeyInfo matches another
// implementation's encoding of the same JWKs.
TEST(Rfc7517, A1PublicKeysMatchIndependentPemEncodings) {
  const JwkSet set = JwkSet::from_json(rfc::kJwkA1PublicKeys);
  EXPECT_EQ(set.keys()[0].key.public_pem(), rfc::kJwkA1EcPublicPem);
  EXPECT_EQ(set.keys()[1].key.public_pem(), rfc::kJwkA1RsaPublicPem);
}

TEST(Rfc7517, A1PublicKeysExportToTheSameMembers) {
  const JwkSet set = JwkSet::from_json(rfc::kJwkA1PublicKeys);
  EXPECT_EQ(Json::parse(set.keys()[0].to_public_json()), published_key(rfc::kJwkA1PublicKeys, 0));
  EXPECT_EQ(Json::parse(set.keys()[1].to_public_json()), published_key(rfc::kJwkA1PublicKeys, 1));
  EXPECT_EQ(Json::parse(set.to_json()), Json::parse(rfc::kJwkA1PublicKeys));
}

// RFC 7638 §3.1
TEST(Rfc7517, A1RsaKeyHasTheRfc7638Thumbprint) {
  const JwkSet set = JwkSet::from_json(rfc::kJwkA1PublicKeys);
  EXPECT_EQ(set.keys()[1].key.thumbprint(), rfc::kRsaKeyThumbprint);
}

// RFC 7517 A.2
TEST(Rfc7517, A2PrivateKeysImportAsPrivate) {
  const JwkSet set = JwkSet::from_json(rfc::kJwkA2PrivateKeys);
  ASSERT_EQ(set.keys().size(), 2u);
  EXPECT_EQ(set.keys()[0].key.type(), KeyType::ec_p256);
  EXPECT_TRUE(set.keys()[0].key.has_private());
  EXPECT_EQ(set.keys()[0].kid, "1");
  EXPECT_EQ(set.keys()[1].key.type(), KeyType::rsa);
  EXPECT_TRUE(set.keys()[1].key.has_private());
  EXPECT_EQ(set.keys()[1].kid, "2011-04-29");
  EXPECT_EQ(set.keys()[1].alg, Alg::RS256);
}

TEST(Rfc7517, A2PrivateKeysReExportPrivateMembersExactly) {
  const JwkSet set = JwkSet::from_json(rfc::kJwkA2PrivateKeys);
  EXPECT_EQ(Json::parse(set.keys()[0].to_private_json()), published_key(rfc::kJwkA2PrivateKeys, 0));
  EXPECT_EQ(Json::parse(set.keys()[1].to_private_json()), published_key(rfc::kJwkA2PrivateKeys, 1));
}

// Their public halves are the A.1 keys, and public export drops every private member.
TEST(Rfc7517, A2PrivateKeysPublicExportIsTheA1Keys) {
  const JwkSet set = JwkSet::from_json(rfc::kJwkA2PrivateKeys);
  EXPECT_EQ(Json::parse(set.to_json()), Json::parse(rfc::kJwkA1PublicKeys));
  for (const char* member : {"\"d\"", "\"p\"", "\"q\"", "\"dp\"", "\"dq\"", "\"qi\""}) {
    EXPECT_EQ(set.to_json().find(member), std::string::npos) << member;
  }
}

TEST(Rfc7517, A2PrivateKeysSignWhatA1PublicKeysVerify) {
  const JwkSet private_set = JwkSet::from_json(rfc::kJwkA2PrivateKeys);
  const JwkSet public_set = JwkSet::from_json(rfc::kJwkA1PublicKeys);
  const std::string input = "signing input";
  EXPECT_TRUE(verify_bytes(public_set.keys()[0].key, Alg::ES256, input,
                           sign_bytes(private_set.keys()[0].key, Alg::ES256, input)));
  EXPECT_TRUE(verify_bytes(public_set.keys()[1].key, Alg::RS256, input,
                           sign_bytes(private_set.keys()[1].key, Alg::RS256, input)));
}

// RFC 7517 A.3: the A128KW key is not for signatures, so a set (which skips what it cannot
// use, RFC 7517 §5) keeps only the HMAC key; imported alone it is accepted, alg unknown.
TEST(Rfc7517, A3SymmetricKeySetKeepsTheHmacKey) {
  const JwkSet set = JwkSet::from_json(rfc::kJwkA3SymmetricKeys);
  ASSERT_EQ(set.keys().size(), 1u);
  const Jwk& hmac = set.keys()[0];
  EXPECT_EQ(hmac.key.type(), KeyType::oct);
  EXPECT_EQ(hmac.kid, "HMAC key used in JWS spec Appendix A.1 example");
  EXPECT_EQ(
      codec::base64url_encode(hmac.key.secret()),
      "AyM1SysPpbyDfgZld3umj1qzKObwVMkoqQ-EstJQLr_T-1qS0gZH75aKtMN3Yj0iPS4hcgUuTwjAzZr1Z9CAow");
  EXPECT_EQ(Json::parse(hmac.to_private_json()), published_key(rfc::kJwkA3SymmetricKeys, 1));
}

TEST(Rfc7517, A3SymmetricKeyPublicExportOmitsTheSecret) {
  const Jwk hmac = JwkSet::from_json(rfc::kJwkA3SymmetricKeys).keys()[0];
  const Json exported = Json::parse(hmac.to_public_json());
  EXPECT_EQ(exported, (Json{{"kty", "oct"}, {"kid", hmac.kid}}));
}

TEST(Rfc7517, A3KeyWrapKeyImportsAloneWithUnknownAlg) {
  const Jwk jwk = Jwk::from_json(rfc::kJwkA3FirstKey);
  EXPECT_EQ(jwk.key.type(), KeyType::oct);
  EXPECT_EQ(jwk.key.secret().size(), 16u);
  EXPECT_EQ(jwk.alg, std::nullopt);
  EXPECT_EQ(codec::base64url_encode(jwk.key.secret()), "GawgguFyGrWKav7AX4VKUg");
}

// The A.3 HMAC key is the RFC 7515 A.1 key: it reproduces that token.
TEST(Rfc7517, A3HmacKeyIsTheRfc7515A1Key) {
  const Jwk hmac = JwkSet::from_json(rfc::kJwkA3SymmetricKeys).keys()[0];
  EXPECT_EQ(sign_compact(hmac.key, Alg::HS256, rfc::kA1Header, rfc::kA1Payload), rfc::kA1Token);
}

}  // namespace
}  // namespace mcph::jose
