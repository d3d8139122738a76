#include "contract_fixture.h"

#include <cctype>
#include <iostream>

namespace mcph::keycloak_test {
namespace {

// The fixture's realm, client and user are what every test stands on, not what it checks (other
// tests check creating them). A real Keycloak busy with the other suites' realms has answered a
// fresh realm's first client creation, and once the realm's own creation, 500 unknown_error;
// setup asks once more, saying so, and a second 500 fails the test as before.
template <typename Create>
auto create_for_setup(const char* what, Create create) {
  try {
    return create();
  } catch (const AdminCallFailed& first) {
    if (first.status < 500) throw;
    std::cerr << "setup: " << what << " answered " << first.what() << "; asking once more\n";
    return create();
  }
}

}  // namespace

void ContractTest::SetUp() {
  kc_.emplace(KeycloakUnderTest::start());
  api_.emplace(kc_->url(), kc_->admin_user(), kc_->admin_password());
  realm_ = "ct-" + random_suffix();
  create_for_setup("creating the realm", [&] { api_->create_realm({{"realm", realm_}, {"enabled", true}}); });
  app_uuid_ = create_for_setup("creating the client", [&] {
    return api_->create_client(realm_, {{"clientId", "app"},
                                        {"secret", "app-secret"},
                                        {"directAccessGrantsEnabled", true},
                                        {"serviceAccountsEnabled", true},
                                        {"protocolMappers", {audience_mapper("app")}}});
  });
  alice_id_ = create_for_setup("creating alice", [&] { return api_->create_user(realm_, user_rep("alice", "alice-pw")); });
}

void ContractTest::TearDown() {
  if (!api_) return;
  try {
    for (const auto& id : master_users_) api_->admin("DELETE", "/master/users/" + id);
    if (!realm_.empty()) api_->delete_realm(realm_);
  } catch (const std::exception& e) {
    ADD_FAILURE() << "cleanup failed: " << e.what();
  }
}

nlohmann::json ContractTest::user_rep(const std::string& username, const std::string& password) {
  std::string first = username;
  first[0] = static_cast<char>(std::toupper(static_cast<unsigned char>(first[0])));
  return {{"username", username},
          {"enabled", true},
          {"email", username + "@example.com"},
          {"emailVerified", true},
          {"firstName", first},
          {"lastName", "Tester"},
          {"credentials", {{{"type", "password"}, {"value", password}, {"temporary", false}}}}};
}

nlohmann::json ContractTest::audience_mapper(const std::string& audience) {
  return {{"name", audience + "-audience"},
          {"protocol", "openid-connect"},
          {"protocolMapper", "oidc-audience-mapper"},
          {"config",
           {{"included.client.audience", audience},
            {"access.token.claim", "true"},
            {"id.token.claim", "false"}}}};
}

nlohmann::json ContractTest::login(const std::string& username, const std::string& password,
                                   const std::string& scope) {
  const auto response = api_->password_grant(realm_, "app", "app-secret", username, password, scope);
  EXPECT_EQ(response.status, 200) << response.body;
  return json_of(response);
}

http::ClientResponse ContractTest::try_login(const std::string& username, const std::string& password,
                                             const std::string& client_id, const std::string& secret) {
  return api_->password_grant(realm_, client_id, secret, username, password);
}

http::ClientResponse ContractTest::refresh(const std::string& refresh_token, const std::string& client_id,
                                           const std::string& secret) {
  return api_->oidc_post(realm_, "token",
                         {{"grant_type", "refresh_token"},
                          {"refresh_token", refresh_token},
                          {"client_id", client_id},
                          {"client_secret", secret}});
}

std::string ContractTest::create_master_user(const nlohmann::json& rep) {
  const std::string id = api_->create_user("master", rep);
  master_users_.push_back(id);
  return id;
}

void expect_oauth_error(const http::ClientResponse& response, int status, const std::string& error,
                        const std::optional<std::string>& description) {
  EXPECT_EQ(response.status, status) << response.body;
  const auto body = nlohmann::json::parse(response.body, nullptr, false);
  ASSERT_TRUE(body.is_object()) << response.body;
  EXPECT_EQ(body.value("error", ""), error) << response.body;
  if (description) {
    EXPECT_EQ(body.value("error_description", ""), *description) << response.body;
  }
}

}  // namespace mcph::keycloak_test
