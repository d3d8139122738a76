// Contract tests for each pool's keys: the JWKS verifies the tokens, publishes no private parts,
// the discovery document names the tokens' issuer, and pools do not share keys.
#include "contract_fixture.h"
#include "mcph/jose/jwt.h"

namespace mcph::cognito_test {
namespace {

TEST_F(ContractTest, JwksVerifiesBothTokensAndHoldsNoPrivateParts) {
  const auto response = api().http().get("/" + pool_id_ + "/.well-known/jwks.json");
  ASSERT_EQ(response.status, 200);
  const auto keys = json_of(response).at("keys");
  ASSERT_FALSE(keys.empty());
  for (const auto& key : keys) {
    EXPECT_EQ(key.at("kty"), "RSA");
    EXPECT_EQ(key.at("alg"), "RS256");
    EXPECT_EQ(key.at("use"), "sig");
    for (const char* member : {"kid", "n", "e"}) EXPECT_TRUE(key.contains(member)) << member;
    for (const char* member : {"d", "p", "q", "dp", "dq", "qi"}) EXPECT_FALSE(key.contains(member)) << member;
  }
  const auto tokens = sign_in();
  jose::VerifyOptions options;
  options.issuer = issuer_of(pool_id_);
  const auto set = jose::JwkSet::from_json(response.body);
  const auto access = jose::verify_jwt(tokens.at("AccessToken").get<std::string>(), set, options);
  EXPECT_TRUE(access.aud.empty());
  options.audience = client_id_;
  EXPECT_NO_THROW(jose::verify_jwt(tokens.at("IdToken").get<std::string>(), set, options));
}

TEST_F(ContractTest, DiscoveryIssuerIsTheTokensIssuer) {
  const auto response = api().http().get("/" + pool_id_ + "/.well-known/openid-configuration");
  ASSERT_EQ(response.status, 200) << response.body;
  const auto doc = json_of(response);
  EXPECT_EQ(doc.at("issuer"), claims_of(sign_in().at("AccessToken")).at("iss"));
  EXPECT_THAT(doc.at("jwks_uri").get<std::string>(), ::testing::EndsWith("/" + pool_id_ + "/.well-known/jwks.json"));
  EXPECT_THAT(doc.at("id_token_signing_alg_values_supported").get<std::vector<std::string>>(),
              ::testing::Contains("RS256"));
}

TEST_F(ContractTest, AnotherPoolsTokenFailsAgainstThisPoolsJwks) {
  SKIP_ON_MOTO("signs every pool's tokens with one static key");
  const std::string other_pool = api().ok("CreateUserPool", {{"PoolName", "other-" + random_suffix()}})["UserPool"]["Id"];
  const auto client = api().ok("CreateUserPoolClient", {{"UserPoolId", other_pool},
                                                        {"ClientName", "other"},
                                                        {"ExplicitAuthFlows", {"ALLOW_USER_PASSWORD_AUTH"}}});
  api().ok("AdminCreateUser", {{"UserPoolId", other_pool}, {"Username", "carol"}, {"MessageAction", "SUPPRESS"}});
  api().ok("AdminSetUserPassword",
           {{"UserPoolId", other_pool}, {"Username", "carol"}, {"Password", "Carol-pw-1"}, {"Permanent", true}});
  const auto result = api().ok("InitiateAuth", {{"AuthFlow", "USER_PASSWORD_AUTH"},
                                                {"ClientId", client["UserPoolClient"]["ClientId"]},
                                                {"AuthParameters", {{"USERNAME", "carol"}, {"PASSWORD", "Carol-pw-1"}}}});
  const std::string token = result["AuthenticationResult"]["AccessToken"];
  try {
    jose::verify_jwt(token, api().jwks(pool_id_), jose::VerifyOptions{});
    ADD_FAILURE() << "another pool's token verified";
  } catch (const jose::JoseError& error) {
    EXPECT_THAT(error.kind(), ::testing::AnyOf(jose::ErrorKind::unknown_kid, jose::ErrorKind::bad_signature));
  }
}

}  // namespace
}  // namespace mcph::cognito_test
