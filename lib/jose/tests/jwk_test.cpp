// JWK and JWK Set import and export beyond the RFC examples: round trips and refusals.
#include "mcph/jose/jwk.h"

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "mcph/jose/jws.h"
#include "rfc_vectors.h"
#include "test_keys.h"

namespace mcph::jose {
namespace {

using Json = nlohmann::json;
using testing::jose_error_kind;

// The message of the JoseError that importing json throws.
std::string import_error(const std::string& json) {
  try {
    Jwk::from_json(json);
  } catch (const JoseError& error) {
    EXPECT_EQ(error.kind(), ErrorKind::malformed);
    return error.what();
  }
  ADD_FAILURE() << "accepted: " << json;
  return {};
}

Json rfc7515_a2_rsa() { return Json::parse(rfc::kA2KeyJwk); }
Json rfc7515_a3_ec() { return Json::parse(rfc::kA3KeyJwk); }

TEST(Jwk, RsaKeyRoundTripsWithPrivateMembers) {
  const Jwk original{testing::rsa_key(), "rsa-1", Alg::RS256, "sig"};
  const Jwk copy = Jwk::from_json(original.to_private_json());
  EXPECT_TRUE(copy.key.has_private());
  EXPECT_EQ(copy.kid, "rsa-1");
  EXPECT_EQ(copy.alg, Alg::RS256);
  EXPECT_EQ(copy.use, "sig");
  EXPECT_EQ(copy.key.private_pem(), testing::rsa_key().private_pem());
  EXPECT_EQ(copy.to_private_json(), original.to_private_json());
}

TEST(Jwk, PublicExportImportsAsPublicKey) {
  for (const Key* key : {&testing::rsa_key(), &testing::ec_key()}) {
    const Jwk original{*key, "k", std::nullopt, ""};
    const Jwk copy = Jwk::from_json(original.to_public_json());
    EXPECT_FALSE(copy.key.has_private());
    EXPECT_EQ(copy.key.public_pem(), key->public_pem());
    EXPECT_EQ(Json::parse(copy.to_public_json()).count("d"), 0u);
  }
}

TEST(Jwk, EcKeyRoundTripsWithPrivateMember) {
  const Jwk original{testing::ec_key(), "ec-1", Alg::ES256, ""};
  const Json exported = Json::parse(original.to_private_json());
  EXPECT_EQ(exported["crv"], "P-256");
  EXPECT_EQ(exported["x"].get<std::string>().size(), 43u);  // always the full 32 bytes
  EXPECT_EQ(exported["d"].get<std::string>().size(), 43u);
  const Jwk copy = Jwk::from_json(exported.dump());
  EXPECT_EQ(copy.key.private_pem(), testing::ec_key().private_pem());
}

TEST(Jwk, HmacKeyRoundTripsThroughPrivateJson) {
  const Jwk original{testing::hmac_key(), "h", Alg::HS256, ""};
  EXPECT_EQ(Jwk::from_json(original.to_private_json()).key.secret(), testing::hmac_key().secret());
  EXPECT_EQ(Json::parse(original.to_public_json()).count("k"), 0u);
}

// RFC 7518 §6.3.2: d alone is a valid private key; PKCS#1 v1.5 then still gives the RFC 7515
// A.2 signature.
TEST(Jwk, RsaPrivateKeyWithoutCrtMembersSigns) {
  Json jwk = rfc7515_a2_rsa();
  for (const char* member : {"p", "q", "dp", "dq", "qi"}) {
    jwk.erase(member);
  }
  const Key key = Jwk::from_json(jwk.dump()).key;
  EXPECT_TRUE(key.has_private());
  EXPECT_EQ(sign_compact(key, Alg::RS256, rfc::kA2Header, rfc::kA1Payload), rfc::kA2Token);
}

TEST(Jwk, RsaPrivateKeyWithSomeCrtMembersIsMalformed) {
  Json jwk = rfc7515_a2_rsa();
  jwk.erase("dq");
  EXPECT_NE(import_error(jwk.dump()).find("'dq' is missing"), std::string::npos);
}

TEST(Jwk, RsaPrivateExponentOfAnotherKeyIsMalformed) {
  Json jwk = Json::parse(rfc::kJwkA2PrivateKeys)["keys"][1];
  jwk["d"] = rfc7515_a2_rsa()["d"];
  for (const char* member : {"p", "q", "dp", "dq", "qi"}) {
    jwk.erase(member);
  }
  EXPECT_NE(import_error(jwk.dump()).find("does not match"), std::string::npos);
}

TEST(Jwk, EcPointOffTheCurveIsMalformed) {
  Json jwk = Json::parse(rfc::kJwkA1PublicKeys)["keys"][0];
  std::swap(jwk["x"], jwk["y"]);
  EXPECT_NE(import_error(jwk.dump()).find("not on curve"), std::string::npos);
}

TEST(Jwk, EcPrivateScalarOfAnotherKeyIsMalformed) {
  Json jwk = rfc7515_a3_ec();
  jwk["d"] = Json::parse(rfc::kJwkA2PrivateKeys)["keys"][0]["d"];
  EXPECT_NE(import_error(jwk.dump()).find("does not match"), std::string::npos);
}

TEST(Jwk, EcCoordinateOfWrongLengthIsMalformed) {
  Json jwk = rfc7515_a3_ec();
  jwk["x"] = "f83OJ3D2xF1Bg8vub9tLe1gHMzV76e8Tus9uPHvRVA";  // 31 bytes
  EXPECT_NE(import_error(jwk.dump()).find("'x' must be 32 bytes"), std::string::npos);
}

TEST(Jwk, MissingOrBadMembersAreNamed) {
  Json jwk = rfc7515_a2_rsa();
  jwk.erase("e");
  EXPECT_NE(import_error(jwk.dump()).find("'e' is missing"), std::string::npos);

  jwk = rfc7515_a2_rsa();
  jwk["n"] = "not+base64url";
  EXPECT_NE(import_error(jwk.dump()).find("'n' is not base64url"), std::string::npos);

  jwk = rfc7515_a2_rsa();
  jwk["n"] = 12345;
  EXPECT_NE(import_error(jwk.dump()).find("'n' must be a string"), std::string::npos);

  EXPECT_NE(import_error(R"({"n":"AQAB"})").find("'kty' is missing"), std::string::npos);
  EXPECT_NE(import_error(R"({"kty":"oct"})").find("'k' is missing"), std::string::npos);
  EXPECT_NE(import_error(R"({"kty":"oct","k":""})").find("'k' is empty"), std::string::npos);
  EXPECT_NE(import_error(R"({"kty":"EC","x":"AA","y":"AA"})").find("'crv' is missing"),
            std::string::npos);
}

TEST(Jwk, KeyMaterialNeverAppearsInErrors) {
  Json jwk = rfc7515_a2_rsa();
  jwk.erase("dq");
  const std::string message = import_error(jwk.dump());
  for (const char* member : {"n", "d", "p", "q", "dp", "qi"}) {
    EXPECT_EQ(message.find(jwk[member].get<std::string>().substr(0, 16)), std::string::npos);
  }
}

TEST(Jwk, UnsupportedTypesCurvesAndMismatchedAlgAreMalformedAlone) {
  EXPECT_NE(import_error(R"({"kty":"OKP","crv":"Ed25519","x":"AA"})").find("kty 'OKP'"),
            std::string::npos);
  Json p384 = rfc7515_a3_ec();
  p384["crv"] = "P-384";
  EXPECT_NE(import_error(p384.dump()).find("crv 'P-384'"), std::string::npos);
  Json mismatched = rfc7515_a3_ec();
  mismatched["alg"] = "RS256";
  EXPECT_NE(import_error(mismatched.dump()).find("does not fit"), std::string::npos);
}

TEST(Jwk, NotAJsonObjectIsMalformed) {
  EXPECT_EQ(jose_error_kind([] { Jwk::from_json("{"); }), ErrorKind::malformed);
  EXPECT_EQ(jose_error_kind([] { Jwk::from_json("[]"); }), ErrorKind::malformed);
  EXPECT_EQ(jose_error_kind([] { Jwk::from_json(""); }), ErrorKind::malformed);
}

// A Keycloak JWKS lists an RSA-OAEP encryption key beside the signing key; other servers add
// Ed25519 or P-384 keys. A set skips what it cannot use (RFC 7517 §5) and keeps the rest.
TEST(JwkSet, SkipsKeysOfUnsupportedTypeCurveOrAlg) {
  Json signing =
      Json::parse(Jwk{testing::rsa_key(), "sig-kid", Alg::RS256, "sig"}.to_public_json());
  Json encryption =
      Json::parse(Jwk{testing::other_rsa_key(), "enc-kid", std::nullopt, "enc"}.to_public_json());
  encryption["alg"] = "RSA-OAEP";
  Json p384 = rfc7515_a3_ec();
  p384["crv"] = "P-384";
  const Json okp = {{"kty", "OKP"}, {"crv", "Ed25519"}, {"x", "AA"}};
  const Json set = {{"keys", {encryption, signing, p384, okp}}};

  const JwkSet keys = JwkSet::from_json(set.dump());
  ASSERT_EQ(keys.keys().size(), 1u);
  EXPECT_EQ(keys.keys()[0].kid, "sig-kid");
  EXPECT_EQ(keys.find("enc-kid"), nullptr);
}

TEST(JwkSet, BrokenKeyOfSupportedTypeIsMalformedWithItsPosition) {
  Json broken = rfc7515_a2_rsa();
  broken.erase("n");
  const Json set = {{"keys", {Json::parse(rfc::kA3KeyJwk), broken}}};
  try {
    JwkSet::from_json(set.dump());
    FAIL() << "accepted a key without n";
  } catch (const JoseError& error) {
    EXPECT_EQ(error.kind(), ErrorKind::malformed);
    EXPECT_NE(std::string(error.what()).find("key #1"), std::string::npos) << error.what();
    EXPECT_NE(std::string(error.what()).find("'n' is missing"), std::string::npos);
  }
}

TEST(JwkSet, WithoutKeysArrayIsMalformed) {
  for (const char* json : {"{}", R"({"keys":{}})", R"({"keys":[1]})", "[]", "nope"}) {
    EXPECT_EQ(jose_error_kind([&] { JwkSet::from_json(json); }), ErrorKind::malformed) << json;
  }
  EXPECT_TRUE(JwkSet::from_json(R"({"keys":[]})").empty());
}

TEST(JwkSet, ExportsPublicMembersOnly) {
  JwkSet keys;
  keys.add(Jwk{testing::rsa_key(), "r", Alg::RS256, "sig"});
  keys.add(Jwk{testing::ec_key(), "e", Alg::ES256, "sig"});
  keys.add(Jwk{testing::hmac_key(), "h", Alg::HS256, "sig"});
  const Json exported = Json::parse(keys.to_json());
  ASSERT_EQ(exported["keys"].size(), 3u);
  for (const Json& jwk : exported["keys"]) {
    for (const char* member : {"d", "p", "q", "dp", "dq", "qi", "k"}) {
      EXPECT_EQ(jwk.count(member), 0u) << member << " in " << jwk.dump();
    }
  }
  EXPECT_EQ(exported["keys"][0]["kid"], "r");
  EXPECT_EQ(exported["keys"][0]["alg"], "RS256");
  EXPECT_EQ(exported["keys"][0]["use"], "sig");
  EXPECT_EQ(exported["keys"][0]["e"], "AQAB");
}

}  // namespace
}  // namespace mcph::jose
