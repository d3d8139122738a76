// Contract tests for what a sign-in leads to: GetUser, the admin view of a user, global sign-out
// (by the user and by an administrator) and RevokeToken.
#include "contract_fixture.h"
#include "mcph/jose/jwt.h"

namespace mcph::cognito_test {
namespace {

// moto answers a revoked access token with "Invalid token".
std::optional<std::string> revoked_text() {
  if (CognitoUnderTest::is_moto()) return std::nullopt;
  return "Access Token has been revoked";
}

std::string attribute(const nlohmann::json& attributes, const std::string& name) {
  for (const auto& item : attributes) {
    if (item.at("Name") == name) return item.at("Value");
  }
  return {};
}

TEST_F(ContractTest, GetUserAnswersTheTokensUser) {
  const auto tokens = sign_in();
  const auto user = api().ok("GetUser", {{"AccessToken", tokens.at("AccessToken")}});
  EXPECT_EQ(user.at("Username"), "alice");
  EXPECT_EQ(attribute(user.at("UserAttributes"), "email"), "alice@example.com");
  EXPECT_EQ(attribute(user.at("UserAttributes"), "sub"), claims_of(tokens.at("AccessToken")).at("sub"));
}

TEST_F(ContractTest, AdminGetUserShowsTheStatusThePasswordGave) {
  create_user("bob", std::nullopt);
  auto user = api().ok("AdminGetUser", {{"UserPoolId", pool_id_}, {"Username", "bob"}});
  EXPECT_EQ(user.at("UserStatus"), "FORCE_CHANGE_PASSWORD");
  EXPECT_EQ(user.at("Enabled"), true);
  api().ok("AdminSetUserPassword",
           {{"UserPoolId", pool_id_}, {"Username", "bob"}, {"Password", "Bob-pw-12"}, {"Permanent", true}});
  user = api().ok("AdminGetUser", {{"UserPoolId", pool_id_}, {"Username", "bob"}});
  EXPECT_EQ(user.at("UserStatus"), "CONFIRMED");
  EXPECT_EQ(attribute(user.at("UserAttributes"), "email"), "bob@example.com");
}

TEST_F(ContractTest, GlobalSignOutRevokesTheAccessAndRefreshTokens) {
  const auto tokens = sign_in();
  api().ok("GlobalSignOut", {{"AccessToken", tokens.at("AccessToken")}});
  expect_cognito_error(api().call("GetUser", {{"AccessToken", tokens.at("AccessToken")}}), "NotAuthorizedException",
                       revoked_text());
  const auto refreshed = refresh(tokens.at("RefreshToken"));
  expect_cognito_error(refreshed, "NotAuthorizedException");
  // A new sign-in is not affected.
  EXPECT_EQ(api().call("GetUser", {{"AccessToken", sign_in().at("AccessToken")}}).status, 200);
}

TEST_F(ContractTest, AdminUserGlobalSignOutRevokesTheUsersTokens) {
  const auto tokens = sign_in();
  api().ok("AdminUserGlobalSignOut", {{"UserPoolId", pool_id_}, {"Username", "alice"}});
  expect_cognito_error(api().call("GetUser", {{"AccessToken", tokens.at("AccessToken")}}), "NotAuthorizedException",
                       revoked_text());
  expect_cognito_error(refresh(tokens.at("RefreshToken")), "NotAuthorizedException");
}

TEST_F(ContractTest, RevokeTokenRefusesTheRefreshTokenFromThenOn) {
  SKIP_ON_MOTO("answers RevokeToken with a client secret with HTTP 500");
  const auto tokens = sign_in();
  api().ok("RevokeToken", {{"Token", tokens.at("RefreshToken")}, {"ClientId", client_id_}, {"ClientSecret", secret_}});
  expect_cognito_error(refresh(tokens.at("RefreshToken")), "NotAuthorizedException");
}

TEST_F(ContractTest, RevokedTokensStayCryptographicallyValid) {
  const auto tokens = sign_in();
  api().ok("GlobalSignOut", {{"AccessToken", tokens.at("AccessToken")}});
  jose::VerifyOptions options;
  options.issuer = issuer_of(pool_id_);
  EXPECT_NO_THROW(jose::verify_jwt(tokens.at("AccessToken").get<std::string>(), api().jwks(pool_id_), options));
}

}  // namespace
}  // namespace mcph::cognito_test
