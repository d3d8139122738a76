// KeycloakAdmin against an in-process stand-in of the two endpoints it needs: its admin token
// expires (the master realm's live 60 s) while a long provisioning runs, and it logs in again.
#include "mcph/harness/provision/keycloak_admin.h"

#include <gtest/gtest.h>

#include <atomic>

#include "mcph/http/server.h"

namespace mcph::harness::provision {
namespace {

class ExpiringAdminTokens : public ::testing::Test {
 protected:
  void SetUp() override {
    http::ServerOptions options;
    options.access_log = false;
    server_ = std::make_unique<http::Server>(options);
    server_->route("POST", "/realms/master/protocol/openid-connect/token", [this](const http::Request&, http::Response& res) {
      const int issued = ++logins_;
      res.set_json(200, R"({"access_token":"token-)" + std::to_string(issued) + R"(","token_type":"Bearer","expires_in":60})");
    });
    // Only the newest token is valid: each older one has expired.
    server_->route("GET", "/admin/realms/mcp-demo", [this](const http::Request& req, http::Response& res) {
      ++calls_;
      if (req.header("Authorization") != "Bearer token-" + std::to_string(logins_.load())) {
        res.set_json(401, R"({"error":"HTTP 401 Unauthorized"})");
        return;
      }
      res.set_json(200, R"({"realm":"mcp-demo"})");
    });
    server_->route("GET", "/admin/realms/other", [](const http::Request&, http::Response& res) {
      res.set_json(401, R"({"error":"HTTP 401 Unauthorized"})");  // refused whatever the token
    });
    server_->start();
  }

  std::unique_ptr<http::Server> server_;
  std::atomic<int> logins_{0};
  std::atomic<int> calls_{0};
};

TEST_F(ExpiringAdminTokens, AnExpiredTokenIsReplacedOnceAndTheCallRepeated) {
  KeycloakAdmin admin(server_->url(), "admin", "admin");
  EXPECT_TRUE(admin.find_realm("mcp-demo"));
  EXPECT_EQ(logins_, 1);
  ++logins_;  // the token the admin holds expires
  EXPECT_TRUE(admin.find_realm("mcp-demo"));
  EXPECT_EQ(logins_, 3) << "one new login";
  EXPECT_EQ(calls_, 3) << "the refused call, then the same call again";
}

TEST_F(ExpiringAdminTokens, A401WithAFreshTokenIsAnErrorNotALoop) {
  KeycloakAdmin admin(server_->url(), "admin", "admin");
  EXPECT_THROW(admin.find_realm("other"), std::runtime_error);
  EXPECT_EQ(logins_, 2) << "one retry with a new login, no more";
}

}  // namespace
}  // namespace mcph::harness::provision
