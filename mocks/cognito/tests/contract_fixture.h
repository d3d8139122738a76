#pragma once
// The fixture of the Cognito contract suite: a fresh user pool per test with an app client
// "app" that has a secret (ALLOW_USER_PASSWORD_AUTH, ALLOW_REFRESH_TOKEN_AUTH) and a user alice
// (email, email_verified) with a permanent password, all made through the API.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <optional>
#include <string>

#include "cognito_under_test.h"

namespace mcph::cognito_test {

inline constexpr const char* kAlicePassword = "Alice-pw-1";

class ContractTest : public ::testing::Test {
 protected:
  void SetUp() override;

  // A new client of the pool; returns its UserPoolClient.
  nlohmann::json create_client(bool secret, const std::vector<std::string>& flows);
  void create_user(const std::string& username, const std::optional<std::string>& permanent_password);

  // USER_PASSWORD_AUTH with "app"; secret_hash: the SECRET_HASH sent (nullopt = the right one).
  http::ClientResponse try_sign_in(const std::string& username, const std::string& password,
                                   const std::optional<std::string>& hash = std::nullopt);
  // Asserts 200 and returns the AuthenticationResult.
  nlohmann::json sign_in(const std::string& username = "alice", const std::string& password = kAlicePassword);
  http::ClientResponse refresh(const std::string& refresh_token, const std::optional<std::string>& hash = std::nullopt);

  CognitoApi& api() { return *api_; }
  std::string hash_for(const std::string& username) const { return secret_hash(secret_, username, client_id_); }

  std::optional<CognitoUnderTest> cognito_;
  std::optional<CognitoApi> api_;
  std::string pool_id_;
  std::string client_id_;
  std::string secret_;
};

// A skip with the reason, where moto is known not to behave as Cognito does.
#define SKIP_ON_MOTO(reason) \
  if (CognitoUnderTest::is_moto()) GTEST_SKIP() << "moto: " << (reason)

}  // namespace mcph::cognito_test
