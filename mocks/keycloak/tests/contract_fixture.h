#pragma once
// The fixture of the contract suite: a fresh realm per test with a confidential client "app"
// (secret app-secret, direct grants and service accounts on, audience mapper → "app") and a
// user alice, all made through the admin API; the realm is deleted afterwards.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "keycloak_under_test.h"

namespace mcph::keycloak_test {

class ContractTest : public ::testing::Test {
 protected:
  void SetUp() override;
  void TearDown() override;

  static nlohmann::json user_rep(const std::string& username, const std::string& password);
  static nlohmann::json audience_mapper(const std::string& audience);

  // Password grant with "app"; asserts 200 and returns the token response.
  nlohmann::json login(const std::string& username = "alice", const std::string& password = "alice-pw",
                       const std::string& scope = {});
  http::ClientResponse try_login(const std::string& username, const std::string& password,
                                 const std::string& client_id = "app",
                                 const std::string& secret = "app-secret");
  http::ClientResponse refresh(const std::string& refresh_token, const std::string& client_id = "app",
                               const std::string& secret = "app-secret");
  // A master-realm user removed at TearDown (for permission tests).
  std::string create_master_user(const nlohmann::json& rep);

  KeycloakApi& api() { return *api_; }
  const std::string& realm() const { return realm_; }

  std::optional<KeycloakUnderTest> kc_;
  std::optional<KeycloakApi> api_;
  std::string realm_;
  std::string app_uuid_;
  std::string alice_id_;
  std::vector<std::string> master_users_;
};

// Asserts status and {"error":…,"error_description":…}; description checked when given.
void expect_oauth_error(const http::ClientResponse& response, int status, const std::string& error,
                        const std::optional<std::string>& description = std::nullopt);

}  // namespace mcph::keycloak_test
