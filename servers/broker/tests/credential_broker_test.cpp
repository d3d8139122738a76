#include "mcph/broker/credential_broker.h"

#include <gtest/gtest.h>

#include <map>
#include <mutex>
#include <string>
#include <vector>

#include "mcph/http/server.h"
#include "mcph/http/trace_context.h"

namespace mcph::broker {
namespace {

// Vault and the identity provider reduced to the answers the broker needs, each remembering the
// trace-id (or "" for none) of every request it got, by path.
class CredentialBrokerTest : public ::testing::Test {
 protected:
  void SetUp() override {
    http::ServerOptions options;
    options.access_log = false;
    server_ = std::make_unique<http::Server>(options);
    answer("POST", "/v1/auth/jwt/login", R"({"auth":{"client_token":"hvs.user","entity_id":"e-1","lease_duration":3600}})");
    answer("GET", "/v1/auth/token/lookup-self", R"({"data":{"entity_id":"e-1"}})");
    answer("GET", "/v1/identity/entity/id/e-1", R"({"data":{"name":"alice"}})");
    answer("GET", "/v1/secret/data/users/alice/jira", R"({"data":{"data":{"api_token":"t"}}})");
    answer("GET", "/v1/database/creds/alice",
           R"({"lease_id":"database/creds/alice/1","lease_duration":600,"data":{"username":"v-alice","password":"p"}})");
    answer("POST", "/realms/demo/protocol/openid-connect/token", R"({"access_token":"exchanged","expires_in":60})");
    server_->start();
    BrokerConfig config;
    config.vault_url = server_->url();
    config.realm_url = server_->url() + "/realms/demo";
    config.client_id = "jira-mcp";
    config.client_secret = "secret";
    broker_ = std::make_unique<CredentialBroker>(config);
  }

  void answer(const std::string& method, const std::string& path, const std::string& body) {
    server_->route(method, path, [this, path, body](const http::Request& request, http::Response& response) {
      const auto trace = http::trace_context_of(request);
      std::lock_guard lock(mutex_);
      seen_[path].push_back(trace ? trace->parent.trace_id : "");
      response.set_json(200, body);
    });
  }

  std::map<std::string, std::vector<std::string>> seen() {
    std::lock_guard lock(mutex_);
    return seen_;
  }

  static Principal principal(std::string subject, std::optional<http::TraceContext> trace) {
    Principal who;
    who.subject = std::move(subject);
    who.token = "user-jwt";
    who.trace = std::move(trace);
    return who;
  }

  std::unique_ptr<http::Server> server_;
  std::unique_ptr<CredentialBroker> broker_;
  std::mutex mutex_;
  std::map<std::string, std::vector<std::string>> seen_;
};

TEST_F(CredentialBrokerTest, EveryRequestForAPrincipalContinuesItsTrace) {
  const http::TraceContext trace{http::new_trace(), {}};
  const Principal alice = principal("uuid-alice", trace);
  ASSERT_TRUE(broker_->user_secret(alice, "jira").has_value());
  broker_->database_credentials(alice);
  const auto requests = seen();
  for (const char* path : {"/realms/demo/protocol/openid-connect/token", "/v1/auth/jwt/login",
                           "/v1/auth/token/lookup-self", "/v1/identity/entity/id/e-1",
                           "/v1/secret/data/users/alice/jira", "/v1/database/creds/alice"}) {
    ASSERT_EQ(requests.count(path), 1u) << path << " was not requested";
    EXPECT_EQ(requests.at(path), std::vector<std::string>{trace.parent.trace_id}) << path;
  }
}

// The Vault clients are pooled: one that served a traced request must not carry that trace
// into the next principal's requests.
TEST_F(CredentialBrokerTest, APooledClientTakesTheTraceOfEachRequestItServes) {
  const http::TraceContext first{http::new_trace(), {}};
  const http::TraceContext second{http::new_trace(), {}};
  ASSERT_TRUE(broker_->user_secret(principal("uuid-alice", first), "jira").has_value());
  ASSERT_TRUE(broker_->user_secret(principal("uuid-alice", second), "jira").has_value());  // a cached session
  ASSERT_TRUE(broker_->user_secret(principal("uuid-alice", std::nullopt), "jira").has_value());
  EXPECT_EQ(seen()["/v1/secret/data/users/alice/jira"],
            (std::vector<std::string>{first.parent.trace_id, second.parent.trace_id, ""}));
}

}  // namespace
}  // namespace mcph::broker
