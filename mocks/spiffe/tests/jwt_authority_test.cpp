// The JWT authority on a pinned clock: SPIRE's SVID and bundle shapes, and a rotation that
// publishes a key before it signs and keeps it until its SVIDs have expired.
#include "jwt_authority.h"

#include <gtest/gtest.h>

#include "mcph/jose/jwk.h"
#include "mcph/jose/jwt.h"

namespace mcph::mock_spiffe {
namespace {

using nlohmann::json;

constexpr std::int64_t kNow = 1'700'000'000;
constexpr const char* kAgent = "spiffe://mcp-identity.local/agent/agent-1";

std::vector<std::string> kids_of(JwtAuthority& authority, std::int64_t now) {
  std::vector<std::string> kids;
  const auto bundle = authority.bundle(now);
  for (const auto& key : bundle["keys"]) kids.push_back(key["kid"]);
  return kids;
}

jose::VerifiedJwt verify(JwtAuthority& authority, const std::string& svid, std::int64_t now) {
  jose::VerifyOptions options;
  options.allowed_algs = {jose::Alg::ES256, jose::Alg::RS256};
  options.audience = "http://idp/realms/demo";
  options.now = now;
  return jose::verify_jwt(svid, jose::JwkSet::from_json(authority.bundle(now).dump()), options);
}

TEST(JwtAuthorityTest, MintsSvidsWithSpiresClaimsAndHeader) {
  JwtAuthority authority(jose::Alg::ES256, 300, kNow);
  const MintedSvid svid = authority.mint(kAgent, {"http://idp/realms/demo"}, 300, kNow);
  const jose::VerifiedJwt jwt = verify(authority, svid.token, kNow + 1);
  EXPECT_EQ(jwt.alg, jose::Alg::ES256);
  EXPECT_EQ(jwt.typ, "JWT");
  EXPECT_EQ(jwt.kid, svid.kid);
  EXPECT_EQ(jwt.kid.size(), 32u);
  EXPECT_EQ(jwt.sub, kAgent);
  EXPECT_EQ(jwt.iat, kNow);
  EXPECT_EQ(jwt.exp, kNow + 300);
  const json claims = json::parse(jwt.payload_json);
  EXPECT_TRUE(claims["aud"].is_array());  // SPIRE writes aud as an array, even of one
  EXPECT_FALSE(claims.contains("iss"));
  EXPECT_FALSE(claims.contains("jti"));
}

TEST(JwtAuthorityTest, Rs256WhenAskedFor) {
  JwtAuthority authority(jose::Alg::RS256, 300, kNow);
  EXPECT_EQ(verify(authority, authority.mint(kAgent, {"http://idp/realms/demo"}, 60, kNow).token, kNow).alg,
            jose::Alg::RS256);
  EXPECT_THROW(JwtAuthority(jose::Alg::HS256, 300, kNow), std::invalid_argument);
}

TEST(JwtAuthorityTest, TheBundleIsSpiresBundleEndpointDocument) {
  JwtAuthority authority(jose::Alg::ES256, 120, kNow);
  const json bundle = authority.bundle(kNow);
  ASSERT_EQ(bundle["keys"].size(), 1u);
  const json& key = bundle["keys"][0];
  EXPECT_EQ(key["use"], "jwt-svid");
  EXPECT_EQ(key["kty"], "EC");
  EXPECT_EQ(key["crv"], "P-256");
  EXPECT_FALSE(key.contains("alg"));  // a SPIFFE bundle's JWKs carry none
  EXPECT_FALSE(key.contains("d"));
  EXPECT_EQ(bundle["spiffe_sequence"], 1);
  EXPECT_EQ(bundle["spiffe_refresh_hint"], 120);
}

TEST(JwtAuthorityTest, ANewKeyIsPublishedBeforeItSigns) {
  JwtAuthority authority(jose::Alg::ES256, 300, kNow);
  const std::string old_kid = kids_of(authority, kNow).at(0);
  const std::string new_kid = authority.prepare(kNow).kid;
  EXPECT_EQ(kids_of(authority, kNow), (std::vector<std::string>{old_kid, new_kid}));
  EXPECT_EQ(authority.bundle(kNow)["spiffe_sequence"], 2);
  EXPECT_EQ(authority.mint(kAgent, {"a"}, 60, kNow).kid, old_kid);  // prepared keys do not sign
  EXPECT_EQ(authority.prepare(kNow).kid, new_kid);                  // one prepared key at most
  authority.activate(kNow + 10);
  EXPECT_EQ(authority.mint(kAgent, {"a"}, 60, kNow + 10).kid, new_kid);
}

TEST(JwtAuthorityTest, ARetiredKeyStaysUntilTheLastSvidItSignedHasExpired) {
  JwtAuthority authority(jose::Alg::ES256, 300, kNow);
  const MintedSvid old_svid = authority.mint(kAgent, {"http://idp/realms/demo"}, 300, kNow);
  authority.activate(kNow + 100);
  EXPECT_EQ(kids_of(authority, kNow + 100).size(), 2u);
  // Still verifiable until it expires: the bundle keeps its key.
  EXPECT_NO_THROW(verify(authority, old_svid.token, kNow + 299));
  EXPECT_EQ(kids_of(authority, kNow + 299).size(), 2u);
  const auto sequence = authority.sequence();
  EXPECT_EQ(kids_of(authority, kNow + 300).size(), 1u);
  EXPECT_EQ(authority.sequence(), sequence + 1);
}

TEST(JwtAuthorityTest, ARetiredKeyThatSignedNothingGoesAtOnce) {
  JwtAuthority authority(jose::Alg::ES256, 300, kNow);
  authority.activate(kNow);
  EXPECT_EQ(kids_of(authority, kNow).size(), 1u);
}

TEST(JwtAuthorityTest, RemovingAKeyOnDemandInvalidatesItsSvidsAndMayLeaveNoSigner) {
  JwtAuthority authority(jose::Alg::ES256, 300, kNow);
  const MintedSvid svid = authority.mint(kAgent, {"http://idp/realms/demo"}, 300, kNow);
  EXPECT_FALSE(authority.remove("no-such-kid", kNow));
  EXPECT_TRUE(authority.remove(svid.kid, kNow));
  EXPECT_TRUE(kids_of(authority, kNow).empty());
  EXPECT_THROW(verify(authority, svid.token, kNow), jose::JoseError);
  EXPECT_THROW(authority.mint(kAgent, {"a"}, 60, kNow), std::logic_error);
  authority.activate(kNow);
  EXPECT_NO_THROW(authority.mint(kAgent, {"a"}, 60, kNow));
}

}  // namespace
}  // namespace mcph::mock_spiffe
