#include "mcph/broker/credential_broker.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <atomic>
#include <map>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "mcph/http/server.h"
#include "mcph/http/trace_context.h"
#include "mcph/proc/poll_until.h"

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
           R"({"lease_id":"database/creds/alice/{n}","lease_duration":600,"data":{"username":"v-alice-{n}","password":"p"}})");
    answer("POST", "/realms/demo/protocol/openid-connect/token", R"({"access_token":"exchanged","expires_in":60})");
    // sys/leases/renew answers renew_answer_, or, while that is empty, Vault's refusal of a
    // lease that is not renewable.
    server_->route("PUT", "/v1/sys/leases/renew", [this](const http::Request& request, http::Response& response) {
      std::chrono::milliseconds pause{0};
      {
        std::lock_guard lock(mutex_);
        if (slow_path_ == "/v1/sys/leases/renew") pause = slow_for_;
      }
      std::this_thread::sleep_for(pause);
      std::lock_guard lock(mutex_);
      renew_bodies_.push_back(request.body);
      if (renew_answer_.empty()) {
        response.set_json(400, R"({"errors":["lease is not renewable"]})");
      } else {
        response.set_json(200, renew_answer_);
      }
    });
    server_->start();
    config_.vault_url = server_->url();
    config_.realm_url = server_->url() + "/realms/demo";
    config_.client_id = "jira-mcp";
    config_.client_secret = "secret";
    broker_ = std::make_unique<CredentialBroker>(config_);
  }

  // A broker whose clock is the test's `clock_`.
  void use_test_clock() {
    config_.clock = [this] { return clock_.load(); };
    broker_ = std::make_unique<CredentialBroker>(config_);
  }
  // The server's threads read these under the lock.
  void slow_down(const std::string& path, std::chrono::milliseconds pause) {
    std::lock_guard lock(mutex_);
    slow_path_ = path;
    slow_for_ = pause;
  }
  void fail(const std::string& path) {
    std::lock_guard lock(mutex_);
    failing_path_ = path;
  }
  std::size_t seen_count(const std::string& path) {
    std::lock_guard lock(mutex_);
    return seen_[path].size();
  }

  void answer(const std::string& method, const std::string& path, const std::string& body) {
    server_->route(method, path, [this, path, body](const http::Request& request, http::Response& response) {
      const auto trace = http::trace_context_of(request);
      std::chrono::milliseconds pause{0};
      bool failing = false;
      {
        std::lock_guard lock(mutex_);
        seen_[path].push_back(trace ? trace->parent.trace_id : "");
        if (path == slow_path_) pause = slow_for_;
        failing = path == failing_path_;
        most_at_once_[path] = std::max(most_at_once_[path], ++in_progress_[path]);
      }
      std::this_thread::sleep_for(pause);
      {
        std::lock_guard lock(mutex_);
        --in_progress_[path];
      }
      if (failing) {
        response.set_json(503, R"({"errors":["Vault is sealed"]})");
        return;
      }
      // "{n}" in an answer: how many requests this path has had, this one included.
      std::string answer = body;
      for (auto at = answer.find("{n}"); at != std::string::npos; at = answer.find("{n}", at)) {
        std::lock_guard lock(mutex_);
        answer.replace(at, 3, std::to_string(seen_[path].size()));
      }
      response.set_json(200, answer);
    });
  }

  // The most requests of `path` this fake Vault had in progress at one time.
  int most_at_once(const std::string& path) {
    std::lock_guard lock(mutex_);
    return most_at_once_[path];
  }
  // Each subject's database_credentials at once, on a thread each: the usernames, or the errors.
  std::vector<std::string> fetch_at_once(const std::vector<std::string>& subjects) {
    std::vector<std::string> outcomes(subjects.size());
    std::vector<std::thread> calls;
    for (std::size_t i = 0; i < subjects.size(); ++i) {
      calls.emplace_back([&, i] {
        try {
          outcomes[i] = broker_->database_credentials(principal(subjects[i], std::nullopt)).username;
        } catch (const BrokerError& e) {
          outcomes[i] = e.what();
        }
      });
    }
    for (auto& call : calls) call.join();
    return outcomes;
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
  BrokerConfig config_;
  std::atomic<std::int64_t> clock_{1'700'000'000};
  std::unique_ptr<CredentialBroker> broker_;
  std::mutex mutex_;
  std::map<std::string, std::vector<std::string>> seen_;
  std::map<std::string, int> in_progress_, most_at_once_;
  std::string slow_path_;  // this path answers after slow_for_
  std::chrono::milliseconds slow_for_{0};
  std::string failing_path_;  // this path answers 503, as a sealed Vault
  std::string renew_answer_;
  std::vector<std::string> renew_bodies_;
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
  slow_down("/v1/auth/jwt/login", std::chrono::milliseconds(300));  // every call arrives while the first logs in
  constexpr std::size_t kCalls = 8;
  const auto usernames = fetch_at_once(std::vector<std::string>(kCalls, "uuid-alice"));
  EXPECT_EQ(usernames, std::vector<std::string>(kCalls, "v-alice-1"));
  const auto requests = seen();
  EXPECT_EQ(requests.at("/v1/auth/jwt/login").size(), 1u);
  EXPECT_EQ(requests.at("/v1/database/creds/alice").size(), 1u);
  EXPECT_EQ(broker_->stats().logins, 1);
  EXPECT_EQ(broker_->stats().database_leases, 1);
}

// Vault creates roles one at a time: eight users' first calls at once ask it for two at a time
// (the limit here), the others waiting their turn in the server, and every one gets its role.
TEST_F(CredentialBrokerTest, NoMoreNewRolesAreAskedOfVaultAtOnceThanTheLimit) {
  config_.role_creations_at_once = 2;
  broker_ = std::make_unique<CredentialBroker>(config_);
  slow_down("/v1/database/creds/alice", std::chrono::milliseconds(150));
  const auto usernames = fetch_at_once({"u1", "u2", "u3", "u4", "u5", "u6", "u7", "u8"});
  for (const auto& username : usernames) EXPECT_THAT(username, ::testing::MatchesRegex("v-alice-[0-9]+"));
  EXPECT_EQ(seen_count("/v1/database/creds/alice"), 8u);
  EXPECT_EQ(most_at_once("/v1/database/creds/alice"), 2);
  EXPECT_EQ(broker_->stats().database_leases, 8);
}

// A call that finds no place for a new role within the wait is answered vault_unavailable,
// saying why; it asked Vault for nothing.
TEST_F(CredentialBrokerTest, ACallThatWaitsTooLongForItsTurnToGetANewRoleIsVaultUnavailable) {
  config_.role_creations_at_once = 1;
  config_.role_creation_wait = std::chrono::milliseconds(100);
  broker_ = std::make_unique<CredentialBroker>(config_);
  slow_down("/v1/database/creds/alice", std::chrono::milliseconds(600));
  const auto outcomes = fetch_at_once({"u1", "u2"});
  std::vector<std::string> refused;
  for (const auto& outcome : outcomes) {
    if (outcome.rfind("v-alice-", 0) != 0) refused.push_back(outcome);
  }
  ASSERT_EQ(refused.size(), 1u) << outcomes[0] << " / " << outcomes[1];
  EXPECT_EQ(refused[0],
            "database credentials: waited 100 ms for a turn to ask Vault for a new role (this server asks for 1 "
            "at a time: Vault creates them one at a time)");
  EXPECT_EQ(seen_count("/v1/database/creds/alice"), 1u);
}

// A login that fails fails every call that waited for it, with its error; the next call tries
// again.
TEST_F(CredentialBrokerTest, CallsWaitingForAFailedLoginGetItsErrorAndTheNextCallTriesAgain) {
  slow_down("/v1/auth/token/lookup-self", std::chrono::milliseconds(300));
  fail("/v1/identity/entity/id/e-1");
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

// A lease 600 s long that Vault will not renew: from 400 s on, a call starts fetching the next
// one and is answered with the current one; the calls after it get the new one. The fetch has a
// trace of its own.
TEST_F(CredentialBrokerTest, ALeaseTwoThirdsThroughIsReplacedInTheBackgroundWhileItStillServes) {
  use_test_clock();
  const http::TraceContext trace{http::new_trace(), {}};
  const Principal alice = principal("uuid-alice", trace);
  const std::string creds = "/v1/database/creds/alice";
  EXPECT_EQ(broker_->database_credentials(alice).username, "v-alice-1");
  clock_ += 399;
  EXPECT_EQ(broker_->database_credentials(alice).username, "v-alice-1");
  EXPECT_EQ(seen_count(creds), 1u);  // not due yet: nothing was posted

  slow_down(creds, std::chrono::milliseconds(300));  // the next lease takes a while: the call must not wait
  clock_ += 1;
  EXPECT_EQ(broker_->database_credentials(alice).username, "v-alice-1");
  ASSERT_TRUE(proc::poll_until([&] { return broker_->database_credentials(alice).username == "v-alice-2"; },
                               std::chrono::milliseconds(5000)));
  EXPECT_EQ(seen_count(creds), 2u);
  EXPECT_EQ(broker_->stats().database_leases, 2);
  const auto traces = seen().at(creds);
  EXPECT_EQ(traces[0], trace.parent.trace_id);
  EXPECT_NE(traces[1], trace.parent.trace_id);
  EXPECT_FALSE(traces[1].empty());
}

// A lease Vault renews keeps its role (and the server's connections logged in as it): from two
// thirds on, the call's lease is renewed in the background for a lease's length, and again two
// thirds into that, with no new role.
TEST_F(CredentialBrokerTest, ALeaseTwoThirdsThroughIsRenewedAtVaultAndKeepsItsRole) {
  {
    std::lock_guard lock(mutex_);
    renew_answer_ = R"({"lease_id":"database/creds/alice/1","renewable":true,"lease_duration":600,"data":null})";
  }
  use_test_clock();
  const Principal alice = principal("uuid-alice", std::nullopt);
  const std::string creds = "/v1/database/creds/alice";
  EXPECT_EQ(broker_->database_credentials(alice).username, "v-alice-1");
  clock_ += 400;
  EXPECT_EQ(broker_->database_credentials(alice).username, "v-alice-1");
  ASSERT_TRUE(proc::poll_until([&] { return broker_->stats().database_lease_renewals == 1; },
                               std::chrono::milliseconds(5000)));
  {
    std::lock_guard lock(mutex_);
    ASSERT_EQ(renew_bodies_.size(), 1u);
    const auto body = nlohmann::json::parse(renew_bodies_[0]);
    EXPECT_EQ(body["lease_id"], "database/creds/alice/1");
    EXPECT_EQ(body["increment"], 600);
  }
  clock_ += 399;  // 799 s: past the first lease's end, within the renewed one's first two thirds
  EXPECT_EQ(broker_->database_credentials(alice).username, "v-alice-1");
  EXPECT_EQ(broker_->stats().database_lease_renewals, 1);
  clock_ += 1;
  EXPECT_EQ(broker_->database_credentials(alice).username, "v-alice-1");
  ASSERT_TRUE(proc::poll_until([&] { return broker_->stats().database_lease_renewals == 2; },
                               std::chrono::milliseconds(5000)));
  EXPECT_EQ(seen_count(creds), 1u);
  EXPECT_EQ(broker_->stats().database_leases, 1);
}

// A lease forgotten while its renewal is on its way (the database refused the role) stays
// forgotten: the call that needs one gets a new role at once, not the renewal, and the renewal
// does not bring the old role back when it lands.
TEST_F(CredentialBrokerTest, ARenewalLandingAfterItsLeaseWasForgottenDoesNotBringItBack) {
  {
    std::lock_guard lock(mutex_);
    renew_answer_ = R"({"lease_id":"database/creds/alice/1","renewable":true,"lease_duration":600,"data":null})";
  }
  slow_down("/v1/sys/leases/renew", std::chrono::milliseconds(500));
  use_test_clock();
  const Principal alice = principal("uuid-alice", std::nullopt);
  EXPECT_EQ(broker_->database_credentials(alice).username, "v-alice-1");
  clock_ += 400;
  EXPECT_EQ(broker_->database_credentials(alice).username, "v-alice-1");  // the renewal starts
  broker_->forget("uuid-alice");
  EXPECT_EQ(broker_->database_credentials(alice).username, "v-alice-2");
  ASSERT_TRUE(proc::poll_until([&] { return broker_->stats().database_lease_renewals == 1; },
                               std::chrono::milliseconds(5000)));
  EXPECT_EQ(broker_->database_credentials(alice).username, "v-alice-2");
}

// Near the role's max_ttl Vault renews for less and less: less than a third of a lease, and the
// next call's lease is a new role.
TEST_F(CredentialBrokerTest, ALeaseRenewedForLessThanAThirdIsReplacedByANewRole) {
  {
    std::lock_guard lock(mutex_);
    renew_answer_ = R"({"lease_id":"database/creds/alice/1","renewable":true,"lease_duration":150,"data":null})";
  }
  use_test_clock();
  const Principal alice = principal("uuid-alice", std::nullopt);
  EXPECT_EQ(broker_->database_credentials(alice).username, "v-alice-1");
  clock_ += 400;
  EXPECT_EQ(broker_->database_credentials(alice).username, "v-alice-1");
  ASSERT_TRUE(proc::poll_until([&] { return broker_->database_credentials(alice).username == "v-alice-2"; },
                               std::chrono::milliseconds(5000)));
  EXPECT_EQ(broker_->stats().database_lease_renewals, 0);
  EXPECT_EQ(broker_->stats().database_leases, 2);
}

// A next lease that cannot be had costs the calls nothing while the current one lasts (one try per
// lease); once it has ended, the call that needs one fetches it itself and gets the error.
TEST_F(CredentialBrokerTest, ANextLeaseThatFailsLeavesTheCurrentOneServingUntilItEnds) {
  std::mutex logged_lock;
  std::vector<std::string> logged;
  config_.log = [&](const std::string& line) {
    std::lock_guard hold(logged_lock);
    logged.push_back(line);
  };
  use_test_clock();
  const Principal alice = principal("uuid-alice", std::nullopt);
  const std::string creds = "/v1/database/creds/alice";
  EXPECT_EQ(broker_->database_credentials(alice).username, "v-alice-1");
  fail(creds);
  clock_ += 400;
  EXPECT_EQ(broker_->database_credentials(alice).username, "v-alice-1");
  // The failure is said in the log, the only place an operator can see it before the lease ends.
  ASSERT_TRUE(proc::poll_until(
      [&] {
        std::lock_guard hold(logged_lock);
        return !logged.empty();
      },
      std::chrono::milliseconds(5000)));
  {
    std::lock_guard hold(logged_lock);
    ASSERT_EQ(logged.size(), 1u);
    EXPECT_THAT(logged[0], ::testing::StartsWith("renewing the database lease of uuid-alice failed (the current one "
                                                 "serves until it ends): database credentials: "));
    EXPECT_THAT(logged[0], ::testing::HasSubstr("Vault is sealed"));
  }
  EXPECT_EQ(seen_count(creds), 2u);
  EXPECT_EQ(broker_->database_credentials(alice).username, "v-alice-1");
  clock_ += 194;  // 594 s: the lease's last second before the 5 s margin
  EXPECT_EQ(broker_->database_credentials(alice).username, "v-alice-1");
  EXPECT_EQ(seen_count(creds), 2u);
  clock_ += 1;
  try {
    broker_->database_credentials(alice);
    ADD_FAILURE() << "an ended lease was used";
  } catch (const BrokerError& e) {
    EXPECT_EQ(e.code(), BrokerErrorCode::vault_error);
    EXPECT_NE(std::string(e.what()).find("database credentials"), std::string::npos) << e.what();
  }
  EXPECT_EQ(seen_count(creds), 3u);
  broker_.reset();  // its renewal thread is done before `logged` goes
}

}  // namespace
}  // namespace mcph::broker
