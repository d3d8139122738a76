// Contract tests for signing in: USER_PASSWORD_AUTH, SECRET_HASH, the shape of both tokens,
// NEW_PASSWORD_REQUIRED and refresh.
#include <set>

#include "contract_fixture.h"

namespace mcph::cognito_test {
namespace {

std::set<std::string> keys_of(const nlohmann::json& object) {
  std::set<std::string> keys;
  for (const auto& [key, value] : object.items()) keys.insert(key);
  return keys;
}

TEST_F(ContractTest, SignInAnswersBearerTokensAndARefreshToken) {
  const auto result = sign_in();
  EXPECT_EQ(result.at("TokenType"), "Bearer");
  EXPECT_EQ(result.at("ExpiresIn"), 3600);
  EXPECT_FALSE(result.at("RefreshToken").get<std::string>().empty());
  EXPECT_EQ(header_of(result.at("AccessToken")).at("alg"), "RS256");
  EXPECT_FALSE(header_of(result.at("AccessToken")).value("kid", "").empty());
}

TEST_F(ContractTest, AccessTokenHasCognitosClaims) {
  SKIP_ON_MOTO("its access token has no event_id");
  const auto claims = claims_of(sign_in().at("AccessToken"));
  EXPECT_EQ(keys_of(claims), (std::set<std::string>{"sub", "iss", "client_id", "origin_jti", "event_id", "token_use",
                                                    "scope", "auth_time", "exp", "iat", "jti", "username"}));
  EXPECT_EQ(claims.at("iss"), issuer_of(pool_id_));
  EXPECT_EQ(claims.at("client_id"), client_id_);
  EXPECT_EQ(claims.at("token_use"), "access");
  EXPECT_EQ(claims.at("scope"), "aws.cognito.signin.user.admin");
  EXPECT_EQ(claims.at("username"), "alice");
  EXPECT_EQ(claims.at("exp").get<std::int64_t>() - claims.at("iat").get<std::int64_t>(), 3600);
}

TEST_F(ContractTest, IdTokenHasCognitosClaims) {
  SKIP_ON_MOTO("its ID token has no event_id and none of the user's attributes (email, email_verified)");
  const auto result = sign_in();
  const auto claims = claims_of(result.at("IdToken"));
  EXPECT_EQ(keys_of(claims), (std::set<std::string>{"sub", "aud", "iss", "token_use", "cognito:username", "email",
                                                    "email_verified", "origin_jti", "event_id", "auth_time", "exp",
                                                    "iat", "jti"}));
  EXPECT_EQ(claims.at("aud"), client_id_);
  EXPECT_EQ(claims.at("iss"), issuer_of(pool_id_));
  EXPECT_EQ(claims.at("token_use"), "id");
  EXPECT_EQ(claims.at("cognito:username"), "alice");
  EXPECT_EQ(claims.at("email"), "alice@example.com");
  EXPECT_EQ(claims.at("email_verified"), true);
  const auto access = claims_of(result.at("AccessToken"));
  EXPECT_EQ(claims.at("sub"), access.at("sub"));
  EXPECT_EQ(claims.at("origin_jti"), access.at("origin_jti"));
}

TEST_F(ContractTest, MissingSecretHashIsNotAuthorized) {
  SKIP_ON_MOTO("does not check SECRET_HASH");
  expect_cognito_error(try_sign_in("alice", kAlicePassword, ""), "NotAuthorizedException",
                       "Client " + client_id_ + " is configured with secret but SECRET_HASH was not received");
}

TEST_F(ContractTest, WrongSecretHashIsNotAuthorized) {
  SKIP_ON_MOTO("does not check SECRET_HASH");
  expect_cognito_error(try_sign_in("alice", kAlicePassword, hash_for("bob")), "NotAuthorizedException",
                       "Unable to verify secret hash for client " + client_id_);
}

TEST_F(ContractTest, WrongPasswordIsNotAuthorized) {
  expect_cognito_error(try_sign_in("alice", "Wrong-pw-1"), "NotAuthorizedException", "Incorrect username or password.");
}

TEST_F(ContractTest, UnknownUserIsUserNotFound) {
  expect_cognito_error(try_sign_in("nobody", kAlicePassword), "UserNotFoundException", "User does not exist.");
}

TEST_F(ContractTest, TemporaryPasswordGetsNewPasswordRequired) {
  create_user("bob", std::nullopt);
  const auto response = try_sign_in("bob", "Temp-pw-1");
  ASSERT_EQ(response.status, 200) << response.body;
  const auto body = json_of(response);
  EXPECT_EQ(body.at("ChallengeName"), "NEW_PASSWORD_REQUIRED");
  EXPECT_FALSE(body.at("Session").get<std::string>().empty());
  EXPECT_FALSE(body.contains("AuthenticationResult"));
}

TEST_F(ContractTest, PasswordFlowNeedsItsExplicitAuthFlow) {
  SKIP_ON_MOTO("does not honour ExplicitAuthFlows");
  const auto client = create_client(false, {"ALLOW_REFRESH_TOKEN_AUTH", "ALLOW_USER_SRP_AUTH"});
  const auto response = api().call("InitiateAuth", {{"AuthFlow", "USER_PASSWORD_AUTH"},
                                                    {"ClientId", client.at("ClientId")},
                                                    {"AuthParameters", {{"USERNAME", "alice"}, {"PASSWORD", kAlicePassword}}}});
  expect_cognito_error(response, "InvalidParameterException", "USER_PASSWORD_AUTH flow not enabled for this client");
}

TEST_F(ContractTest, ClientWithoutSecretSignsInWithoutSecretHash) {
  const auto client = create_client(false, {"ALLOW_USER_PASSWORD_AUTH", "ALLOW_REFRESH_TOKEN_AUTH"});
  EXPECT_FALSE(client.contains("ClientSecret"));
  const auto response = api().call("InitiateAuth", {{"AuthFlow", "USER_PASSWORD_AUTH"},
                                                    {"ClientId", client.at("ClientId")},
                                                    {"AuthParameters", {{"USERNAME", "alice"}, {"PASSWORD", kAlicePassword}}}});
  ASSERT_EQ(response.status, 200) << response.body;
  EXPECT_EQ(claims_of(json_of(response)["AuthenticationResult"]["AccessToken"]).at("client_id"), client.at("ClientId"));
}

TEST_F(ContractTest, RefreshAnswersNewTokensOfTheSameSignIn) {
  const auto first = sign_in();
  const auto response = refresh(first.at("RefreshToken"));
  ASSERT_EQ(response.status, 200) << response.body;
  const auto result = json_of(response).at("AuthenticationResult");
  EXPECT_FALSE(result.contains("RefreshToken"));
  const auto access = claims_of(result.at("AccessToken"));
  EXPECT_EQ(access.at("username"), "alice");
  EXPECT_NE(access.at("jti"), claims_of(first.at("AccessToken")).at("jti"));
  EXPECT_EQ(claims_of(result.at("IdToken")).at("cognito:username"), "alice");
}

TEST_F(ContractTest, RefreshWithoutSecretHashIsNotAuthorized) {
  SKIP_ON_MOTO("does not check SECRET_HASH");
  expect_cognito_error(refresh(sign_in().at("RefreshToken"), ""), "NotAuthorizedException",
                       "Client " + client_id_ + " is configured with secret but SECRET_HASH was not received");
}

}  // namespace
}  // namespace mcph::cognito_test
