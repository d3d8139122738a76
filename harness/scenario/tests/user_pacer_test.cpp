// The runner paces its own requests to the rate limit the stack states, so that only a burst
// meets it: the pacer's bucket on a test clock, then a scenario run against a server that
// limits with the reference servers' own limiter.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <mutex>
#include <nlohmann/json.hpp>

#include "mcph/broker/rate_limiter.h"
#include "mcph/harness/scenario_loader.h"
#include "mcph/harness/scenario_runner.h"
#include "mcph/http/server.h"
#include "user_pacer.h"

namespace mcph::harness {
namespace {

using namespace std::chrono_literals;
using ::testing::Each;
using ::testing::Eq;
using Json = nlohmann::json;
using Status = reports::ScenarioResult::Status;
using Clock = UserPacer::Clock;

const RateLimit k20PerSecond{20, 1000ms};

double ms(Clock::duration d) { return std::chrono::duration<double, std::milli>(d).count(); }

// A clock that moves only when the pacer sleeps or the test says so.
class TestClock {
 public:
  UserPacer pacer() {
    return UserPacer([this] { return now_; }, [this](Clock::duration wait) {
      slept_ += wait;
      now_ += wait;
    });
  }
  void advance(Clock::duration by) { now_ += by; }
  Clock::duration slept() const { return slept_; }

 private:
  Clock::time_point now_{std::chrono::hours(1)};
  Clock::duration slept_{};
};

TEST(UserPacer, AUserSendsABurstThenAtNinetyPercentOfTheRefill) {
  TestClock clock;
  UserPacer pacer = clock.pacer();
  for (int i = 0; i < 19; ++i) EXPECT_EQ(pacer.take("jira-mcp", "alice", k20PerSecond), Clock::duration::zero()) << i;
  // The bucket of 19 is empty: the next request waits for one at 18 a second.
  const auto waited = pacer.take("jira-mcp", "alice", k20PerSecond);
  EXPECT_NEAR(ms(waited), 1000.0 / 18, 0.01);
  // 180 more requests take 10 s, never less: never more than the server's 20 a second.
  for (int i = 0; i < 180; ++i) pacer.take("jira-mcp", "alice", k20PerSecond);
  EXPECT_NEAR(ms(clock.slept()), 181'000.0 / 18, 0.01);
}

TEST(UserPacer, UsersAndServersHaveBucketsOfTheirOwn) {
  TestClock clock;
  UserPacer pacer = clock.pacer();
  for (int i = 0; i < 19; ++i) pacer.take("jira-mcp", "alice", k20PerSecond);
  EXPECT_EQ(pacer.take("jira-mcp", "bob", k20PerSecond), Clock::duration::zero());
  EXPECT_EQ(pacer.take("github-mcp", "alice", k20PerSecond), Clock::duration::zero());
  EXPECT_GT(pacer.take("jira-mcp", "alice", k20PerSecond), Clock::duration::zero());
}

TEST(UserPacer, ABucketRefillsWithTimeUpToItsSize) {
  TestClock clock;
  UserPacer pacer = clock.pacer();
  for (int i = 0; i < 19; ++i) pacer.take("jira-mcp", "alice", k20PerSecond);
  clock.advance(1h);
  for (int i = 0; i < 19; ++i) EXPECT_EQ(pacer.take("jira-mcp", "alice", k20PerSecond), Clock::duration::zero()) << i;
  EXPECT_GT(pacer.take("jira-mcp", "alice", k20PerSecond), Clock::duration::zero());
}

TEST(UserPacer, NoLimitNeverWaits) {
  TestClock clock;
  UserPacer pacer = clock.pacer();
  for (int i = 0; i < 1000; ++i) pacer.take("jira-mcp", "alice", RateLimit{0, 1000ms});
  EXPECT_EQ(clock.slept(), Clock::duration::zero());
}

TEST(UserPacer, RefusalsBeforeTheLimiterAreGivenBackAndA429EmptiesTheBucket) {
  TestClock clock;
  UserPacer pacer = clock.pacer();
  for (int i = 0; i < 100; ++i) {
    pacer.take("jira-mcp", "alice", k20PerSecond, 2);
    pacer.answered("jira-mcp", "alice", k20PerSecond, i % 2 ? 401 : 403, 2);
  }
  EXPECT_EQ(clock.slept(), Clock::duration::zero());

  pacer.take("jira-mcp", "alice", k20PerSecond);
  pacer.answered("jira-mcp", "alice", k20PerSecond, 429);
  EXPECT_NEAR(ms(pacer.take("jira-mcp", "alice", k20PerSecond)), 1000.0 / 18, 0.01);

  pacer.used_up("jira-mcp", "bob", k20PerSecond);
  EXPECT_GT(pacer.take("jira-mcp", "bob", k20PerSecond), Clock::duration::zero());
}

// POST /mcp behind the reference servers' limiter (10 calls a second), keyed on the bearer
// token: 200, or 429.
class LimitedServer {
 public:
  LimitedServer() : limiter_(10, 1000ms) {
    http::ServerOptions options;
    options.access_log = false;
    server_ = std::make_unique<http::Server>(options);
    server_->route("POST", "/mcp", [this](const http::Request& req, http::Response& res) {
      const std::string authorization = req.header("Authorization");
      if (authorization.rfind("Bearer ", 0) != 0) {
        res.set_json(401, R"({"error":"invalid_token"})");
        return;
      }
      const bool limited = limiter_.acquire(authorization.substr(7)).has_value();
      const std::lock_guard<std::mutex> hold(lock_);
      statuses_.push_back(limited ? 429 : 200);
      res.set_json(statuses_.back(), R"({"jsonrpc":"2.0","id":1,"result":{}})");
    });
    server_->start();
  }
  std::string url() const { return server_->url() + "/mcp"; }
  std::vector<int> statuses() const {
    const std::lock_guard<std::mutex> hold(lock_);
    return statuses_;
  }

 private:
  broker::RateLimiter limiter_;
  std::unique_ptr<http::Server> server_;
  mutable std::mutex lock_;
  std::vector<int> statuses_;
};

// Three scenarios of 10 requests each by one user, back to back: 30 requests, which a runner
// sends in far less than the 2 s a limit of 10 a second needs for them.
std::string three_scenarios_of_one_user() {
  std::string text = "suite: paced\nscenarios:\n";
  for (int scenario = 0; scenario < 3; ++scenario) {
    text += "  - name: scenario " + std::to_string(scenario) + "\n    steps:\n      - token: raw\n        as: alice\n"
            "        name: t\n        value: alices-opaque-token\n";
    for (int step = 0; step < 10; ++step) {
      text += "      - http: {server: jira-mcp, json: {jsonrpc: \"2.0\", id: 1, method: ping}}\n        with_token: t\n"
              "        expect: {http_status: 200}\n";
    }
  }
  return text;
}

std::vector<reports::ScenarioResult> run_against(const LimitedServer& server, const std::string& stated_limit) {
  StackFile stack;
  stack.mode = "external";
  stack.services["jira-mcp"].url = server.url();
  if (!stated_limit.empty()) stack.services["jira-mcp"].extra["rate_limit"] = stated_limit;
  ScenarioRunner runner(stack);
  return runner.run(parse_scenario_file(three_scenarios_of_one_user(), "paced.yaml")).scenarios;
}

TEST(UserPacerInTheRunner, ScenariosOfOneUserStayWithinTheLimitTheStackStates) {
  LimitedServer server;
  const auto scenarios = run_against(server, "10/1000ms");
  for (const auto& scenario : scenarios) EXPECT_EQ(scenario.status, Status::passed) << scenario.name;
  EXPECT_EQ(server.statuses().size(), 30u);
  EXPECT_THAT(server.statuses(), Each(Eq(200)));
}

// The same steps on a stack that does not say its limit: the server refuses what the runner
// sends too fast, which is what the pacing is for.
TEST(UserPacerInTheRunner, WithoutAStatedLimitTheSameScenariosMeetTheServersLimit) {
  LimitedServer server;
  const auto scenarios = run_against(server, "");
  int failed = 0;
  for (const auto& scenario : scenarios) failed += scenario.status == Status::failed;
  EXPECT_GT(failed, 0);
  EXPECT_THAT(server.statuses(), ::testing::Contains(429));
}

}  // namespace
}  // namespace mcph::harness
