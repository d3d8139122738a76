// Contract tests for the protocol's errors: unknown actions, bodies that are not JSON, unknown
// pools, taken usernames and passwords the policy refuses.
#include "contract_fixture.h"

namespace mcph::cognito_test {
namespace {

TEST_F(ContractTest, UnknownActionIsUnknownOperation) {
  SKIP_ON_MOTO("answers an unknown action with HTTP 500 and an HTML page");
  const auto response = api().call("NoSuchAction", nlohmann::json::object());
  EXPECT_EQ(response.status, 400);
  EXPECT_THAT(json_of(response).value("__type", ""), ::testing::EndsWith("UnknownOperationException"));
}

TEST_F(ContractTest, MalformedJsonIsASerializationException) {
  SKIP_ON_MOTO("answers a body that is not JSON with ResourceNotFoundException");
  const auto response = api().call_raw("AWSCognitoIdentityProviderService.AdminGetUser", "{not json");
  EXPECT_EQ(response.status, 400);
  EXPECT_THAT(json_of(response).value("__type", ""), ::testing::EndsWith("SerializationException"));
}

TEST_F(ContractTest, UnknownPoolIsResourceNotFound) {
  const auto response = api().call("AdminGetUser", {{"UserPoolId", "us-east-1_Nope12345"}, {"Username", "alice"}});
  expect_cognito_error(response, "ResourceNotFoundException");
}

TEST_F(ContractTest, UnknownUserInAdminGetUserIsUserNotFound) {
  expect_cognito_error(api().call("AdminGetUser", {{"UserPoolId", pool_id_}, {"Username", "nobody"}}),
                       "UserNotFoundException", "User does not exist.");
}

TEST_F(ContractTest, TakenUsernameIsUsernameExists) {
  expect_cognito_error(api().call("AdminCreateUser", {{"UserPoolId", pool_id_}, {"Username", "alice"}}),
                       "UsernameExistsException",
                       CognitoUnderTest::is_moto() ? std::nullopt  // moto's message is the username
                                                   : std::optional<std::string>("User account already exists"));
}

TEST_F(ContractTest, ShortPasswordIsInvalidPassword) {
  expect_cognito_error(api().call("AdminSetUserPassword",
                                  {{"UserPoolId", pool_id_}, {"Username", "alice"}, {"Password", "Ab1!"}, {"Permanent", true}}),
                       "InvalidPasswordException");
}

// A pool's own password policy (Policies.PasswordPolicy) is the one its users' passwords meet.
TEST_F(ContractTest, APoolsPasswordPolicyDecidesWhichPasswordsItTakes) {
  const nlohmann::json lenient = {{"PasswordPolicy",
                                   {{"MinimumLength", 6},
                                    {"RequireUppercase", false},
                                    {"RequireLowercase", false},
                                    {"RequireNumbers", false},
                                    {"RequireSymbols", false}}}};
  const nlohmann::json created = api().ok("CreateUserPool", {{"PoolName", "lenient-" + random_suffix()}, {"Policies", lenient}});
  const std::string pool = created["UserPool"]["Id"];
  EXPECT_EQ(created["UserPool"]["Policies"]["PasswordPolicy"]["MinimumLength"], 6);
  EXPECT_EQ(created["UserPool"]["Policies"]["PasswordPolicy"]["RequireSymbols"], false);
  api().ok("AdminCreateUser", {{"UserPoolId", pool}, {"Username", "bob"}, {"MessageAction", "SUPPRESS"}});
  EXPECT_EQ(api().call("AdminSetUserPassword",
                       {{"UserPoolId", pool}, {"Username", "bob"}, {"Password", "bob123"}, {"Permanent", true}})
                .status,
            200);
  expect_cognito_error(api().call("AdminSetUserPassword",
                                  {{"UserPoolId", pool}, {"Username", "bob"}, {"Password", "bob12"}, {"Permanent", true}}),
                       "InvalidPasswordException");
  // The default pool of the fixture asks for every kind of character.
  expect_cognito_error(api().call("AdminSetUserPassword",
                                  {{"UserPoolId", pool_id_}, {"Username", "alice"}, {"Password", "alice123"}, {"Permanent", true}}),
                       "InvalidPasswordException");
}

TEST_F(ContractTest, GarbageAccessTokenIsNotAuthorized) {
  expect_cognito_error(api().call("GetUser", {{"AccessToken", "not-a-token"}}), "NotAuthorizedException");
}

}  // namespace
}  // namespace mcph::cognito_test
