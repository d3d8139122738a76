#include "mcph/broker/credential_broker.h"

#include <gtest/gtest.h>

#include <map>
#include <mutex>
#include <string>
#include <thread>
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
      {
        std::lock_guard lock(mutex_);
        seen_[path].push_back(trace ? trace->parent.trace_id : "");
      }
      if (path == slow_path_) std::this_thread::sleep_for(slow_for_);
      if (path == failing_path_) {
        response.set_json(503, R"({"errors":["Vault is sealed"]})");
        return;
      }
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
  // Set before SetUp's routes answer anything: this path answers after a pause.
  std::string slow_path_ = "/v1/auth/jwt/login";
  std::chrono::milliseconds slow_for_{0};
  std::string failing_path_;  // this path answers 503, as a sealed Vault
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

// A user's concurrent first calls share one login and one database lease: each lease is a new
// PostgreSQL role, which Vault creates one at a time, so a lease per call queued every user's
// first calls behind each other's (family 10's warm-up).
TEST_F(CredentialBrokerTest, ConcurrentFirstCallsOfAUserShareOneLoginAndOneLease) {
  slow_for_ = std::chrono::milliseconds(300);  // every call arrives while the first logs in
  constexpr int kCalls = 8;
  std::vector<std::string> usernames(kCalls);
  std::vector<std::thread> calls;
  for (int i = 0; i < kCalls; ++i) {
    calls.emplace_back([&, i] { usernames[static_cast<std::size_t>(i)] = broker_->database_credentials(principal("uuid-alice", std::nullopt)).username; });
  }
  for (auto& call : calls) call.join();
  EXPECT_EQ(usernames, std::vector<std::string>(kCalls, "v-alice"));
  const auto requests = seen();
  EXPECT_EQ(requests.at("/v1/auth/jwt/login").size(), 1u);
  EXPECT_EQ(requests.at("/v1/database/creds/alice").size(), 1u);
  EXPECT_EQ(broker_->stats().logins, 1);
  EXPECT_EQ(broker_->stats().database_leases, 1);
}

// A login that fails fails every call that waited for it, with its error; the next call tries
// again.
TEST_F(CredentialBrokerTest, CallsWaitingForAFailedLoginGetItsErrorAndTheNextCallTriesAgain) {
  slow_path_ = "/v1/auth/token/lookup-self";
  slow_for_ = std::chrono::milliseconds(300);
  failing_path_ = "/v1/identity/entity/id/e-1";
  constexpr int kCalls = 4;
  std::vector<std::string> errors(kCalls);
  std::vector<std::thread> calls;
  for (int i = 0; i < kCalls; ++i) {
    calls.emplace_back([&, i] {
      try {
        broker_->session(principal("uuid-alice", std::nullopt));
      } catch (const BrokerError& e) {
        errors[static_cast<std::size_t>(i)] = e.what();
      }
    });
  }
  for (auto& call : calls) call.join();
  for (const auto& error : errors) EXPECT_NE(error.find("cannot resolve the Vault entity"), std::string::npos) << error;
  EXPECT_EQ(seen().at("/v1/auth/jwt/login").size(), 1u);
  EXPECT_THROW(broker_->session(principal("uuid-alice", std::nullopt)), BrokerError);
  EXPECT_EQ(seen().at("/v1/auth/jwt/login").size(), 2u);
}

}  // namespace
}  // namespace mcph::broker
