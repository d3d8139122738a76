// The realm file of fixtures/ (the one compose mode hands to Keycloak's --import-realm) loads
// into mock-keycloak and gives the stack's users and client. With MCPH_KEYCLOAK_URL set, the
// same checks run against a Keycloak that imported the file.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "keycloak_under_test.h"

namespace mcph::keycloak_test {
namespace {

using ::testing::Contains;

constexpr const char* kRealm = "mcp-demo";

class FixtureRealmTest : public ::testing::Test {
 protected:
  void SetUp() override {
    kc_.emplace(KeycloakUnderTest::start(
        {"--import-realm", std::string(MCPH_FIXTURES_DIR) + "/keycloak/realm-mcp-demo.json"}));
    api_.emplace(kc_->url(), kc_->admin_user(), kc_->admin_password());
  }

  nlohmann::json login(const std::string& user, const std::string& password) {
    const auto response = api_->password_grant(kRealm, "mcp-client", "mcp-client-secret", user, password);
    EXPECT_EQ(response.status, 200) << user << ": " << response.body;
    return json_of(response);
  }

  std::optional<KeycloakUnderTest> kc_;
  std::optional<KeycloakApi> api_;
};

TEST_F(FixtureRealmTest, AliceLogsInAndHerTokenIsForMcpClient) {
  const auto tokens = login("alice", "alice123");
  EXPECT_THAT(tokens.at("expires_in").get<int>(), expires_in_of(300));
  const std::string token = tokens.at("access_token");
  const auto verified = api_->verify(kRealm, token, "mcp-client");
  EXPECT_THAT(verified.aud, Contains("mcp-client"));
  const auto claims = claims_of(token);
  EXPECT_EQ(claims.at("preferred_username"), "alice");
  EXPECT_EQ(claims.at("email"), "alice@example.com");
  EXPECT_EQ(claims.at("email_verified"), true);
  EXPECT_EQ(verified.sub.size(), 36u);  // a UUID that Keycloak generated
}

TEST_F(FixtureRealmTest, EveryUserHasTheirOwnSubject) {
  const auto alice = claims_of(login("alice", "alice123").at("access_token"));
  const auto bob = claims_of(login("bob", "bob123").at("access_token"));
  const auto carol = claims_of(login("carol", "carol123").at("access_token"));
  EXPECT_NE(alice.at("sub"), bob.at("sub"));
  EXPECT_NE(bob.at("sub"), carol.at("sub"));
  EXPECT_NE(alice.at("sub"), carol.at("sub"));
  EXPECT_EQ(bob.at("preferred_username"), "bob");
  EXPECT_EQ(api_->password_grant(kRealm, "mcp-client", "mcp-client-secret", "alice", "bob123").status, 401);
}

TEST_F(FixtureRealmTest, McpClientHasServiceAccountsAndIsListedByTheAdminApi) {
  const auto response = api_->oidc_post(kRealm, "token",
                                        {{"grant_type", "client_credentials"},
                                         {"client_id", "mcp-client"},
                                         {"client_secret", "mcp-client-secret"}});
  ASSERT_EQ(response.status, 200) << response.body;
  EXPECT_THAT(api_->verify(kRealm, json_of(response).at("access_token"), "mcp-client").aud,
              Contains("mcp-client"));
  const auto users =
      json_of(api_->admin("GET", std::string("/") + kRealm + "/users?username=alice&exact=true"));
  ASSERT_EQ(users.size(), 1u);
  EXPECT_EQ(users[0].at("enabled"), true);
  const auto clients =
      json_of(api_->admin("GET", std::string("/") + kRealm + "/clients?clientId=mcp-client"));
  ASSERT_EQ(clients.size(), 1u);
  EXPECT_EQ(clients[0].at("directAccessGrantsEnabled"), true);
}

}  // namespace
}  // namespace mcph::keycloak_test
