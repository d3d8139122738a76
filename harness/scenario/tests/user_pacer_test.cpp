// The runner paces its own requests to the rate limit the stack states, so that only a burst
// meets it: the pacer's bucket on a test clock, then a scenario run against a server that
// limits with the reference servers' own limiter.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <mutex>
#include <nlohmann/json.hpp>
#include <thread>

#include "mcph/broker/rate_limiter.h"
#include "mcph/harness/scenario/scenario_loader.h"
#include "mcph/harness/scenario/scenario_runner.h"
#include "mcph/http/server.h"
#include "mcph/sync/elapsed.h"
#include "user_pacer.h"

namespace mcph::harness::scenario {
namespace {

using namespace std::chrono_literals;
using ::testing::Each;
using ::testing::Eq;
using Json = nlohmann::json;
using Status = reports::ScenarioResult::Status;
using Clock = UserPacer::Clock;

const stack::RateLimit k20PerSecond{20, 1000ms};

// A clock that moves only when the pacer sleeps or the test says so.
class TestClock {
 public:
  UserPacer pacer(std::filesystem::path shared_dir = {}) {
    return UserPacer(std::move(shared_dir), [this] { return now_; }, [this](Clock::duration wait) {
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
  EXPECT_NEAR(sync::in_ms(waited), 1000.0 / 18, 0.01);
  // 180 more requests take 10 s, never less: never more than the server's 20 a second.
  for (int i = 0; i < 180; ++i) pacer.take("jira-mcp", "alice", k20PerSecond);
  EXPECT_NEAR(sync::in_ms(clock.slept()), 181'000.0 / 18, 0.01);
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
  for (int i = 0; i < 1000; ++i) pacer.take("jira-mcp", "alice", stack::RateLimit{0, 1000ms});
  EXPECT_EQ(clock.slept(), Clock::duration::zero());
}

TEST(UserPacer, RefusalsBeforeTheLimiterAreGivenBackAndA429EmptiesTheBucket) {
  TestClock clock;
  UserPacer pacer = clock.pacer();
  for (int i = 0; i < 100; ++i) {
    pacer.take("jira-mcp", "alice", k20PerSecond, 2);
    pacer.answered("jira-mcp", "alice", k20PerSecond, 401, 2);
  }
  EXPECT_EQ(clock.slept(), Clock::duration::zero());
  // A 403 refuses a caller the server verified, and charged: the next requests wait.
  for (int i = 0; i < 20; ++i) {
    pacer.take("jira-mcp", "carol", k20PerSecond);
    pacer.answered("jira-mcp", "carol", k20PerSecond, 403);
  }
  EXPECT_GT(clock.slept(), Clock::duration::zero());

  pacer.take("jira-mcp", "alice", k20PerSecond);
  pacer.answered("jira-mcp", "alice", k20PerSecond, 429);
  EXPECT_NEAR(sync::in_ms(pacer.take("jira-mcp", "alice", k20PerSecond)), 1000.0 / 18, 0.01);

  pacer.used_up("jira-mcp", "bob", k20PerSecond);
  EXPECT_GT(pacer.take("jira-mcp", "bob", k20PerSecond), Clock::duration::zero());
}

// A runner waiting for its turn while another runner's burst empties the server's bucket: the
// allowance it reserved went with the burst, so it reserves again and waits behind it.
TEST(UserPacer, AWaiterReservesAgainWhenABurstEmptiedTheBucketMeanwhile) {
  const auto dir = std::filesystem::temp_directory_path() / ("mcph-pacer-burst-" + std::to_string(::getpid()));
  std::filesystem::remove_all(dir);
  Clock::time_point now{std::chrono::hours(1)};
  UserPacer burster(dir, [&] { return now; }, [&](Clock::duration wait) { now += wait; });
  bool burst_sent = false;
  UserPacer waiter(dir, [&] { return now; }, [&](Clock::duration wait) {
    now += wait / 2;  // halfway through the wait, the other runner's burst goes out
    if (!burst_sent) burster.used_up("agent-bridge-mcp", "address", k20PerSecond);
    burst_sent = true;
    now += wait - wait / 2;
  });
  for (int i = 0; i < 19; ++i) waiter.take("agent-bridge-mcp", "address", k20PerSecond);
  const auto waited = waiter.take("agent-bridge-mcp", "address", k20PerSecond);
  // One request's refill, then one more after the burst: more than the first alone.
  EXPECT_GT(sync::in_ms(waited), 1000.0 / 18 + 1);
  EXPECT_TRUE(burst_sent);

  // With nothing emptying the bucket meanwhile, one request's refill is the whole wait.
  for (int i = 0; i < 19; ++i) burster.take("agent-bridge-mcp", "other", k20PerSecond);
  EXPECT_NEAR(sync::in_ms(burster.take("agent-bridge-mcp", "other", k20PerSecond)), 1000.0 / 18, 0.01);
  std::filesystem::remove_all(dir);
}

// Runners in two processes on one stack (ctest's scenario tests) pace together through files.
TEST(UserPacer, PacersSharingADirectoryShareTheBuckets) {
  const auto dir = std::filesystem::temp_directory_path() / ("mcph-pacer-test-" + std::to_string(::getpid()));
  std::filesystem::remove_all(dir);
  TestClock clock;
  UserPacer one = clock.pacer(dir);
  UserPacer other = clock.pacer(dir);
  for (int i = 0; i < 10; ++i) EXPECT_EQ(one.take("jira-mcp", "alice", k20PerSecond), Clock::duration::zero());
  for (int i = 0; i < 9; ++i) EXPECT_EQ(other.take("jira-mcp", "alice", k20PerSecond), Clock::duration::zero());
  EXPECT_NEAR(sync::in_ms(one.take("jira-mcp", "alice", k20PerSecond)), 1000.0 / 18, 0.01);
  EXPECT_NEAR(sync::in_ms(other.take("jira-mcp", "alice", k20PerSecond)), 1000.0 / 18, 0.01);
  EXPECT_EQ(other.take("jira-mcp", "bob", k20PerSecond), Clock::duration::zero());
  // One file per server and subject, named by a hash: no subject (it may be a token) on disk.
  std::vector<std::string> names;
  for (const auto& entry : std::filesystem::directory_iterator(dir)) names.push_back(entry.path().filename().string());
  EXPECT_EQ(names.size(), 2u);
  for (const auto& name : names) EXPECT_EQ(name.find("alice"), std::string::npos) << name;
  std::filesystem::remove_all(dir);
}

// A run directory used again after a reboot holds buckets of another monotonic clock, which may
// lie far "ahead" of this one: they count as new, not as never refilling.
TEST(UserPacer, ABucketFromBeforeARebootIsNew) {
  const auto dir = std::filesystem::temp_directory_path() / ("mcph-pacer-reboot-" + std::to_string(::getpid()));
  std::filesystem::remove_all(dir);
  TestClock before;
  before.advance(24h);
  UserPacer old = before.pacer(dir);
  for (int i = 0; i < 40; ++i) old.take("jira-mcp", "alice", k20PerSecond);  // deep in debt at hour 25
  TestClock after;  // hour 1 of the next boot
  UserPacer pacer = after.pacer(dir);
  for (int i = 0; i < 19; ++i) EXPECT_EQ(pacer.take("jira-mcp", "alice", k20PerSecond), Clock::duration::zero()) << i;
  std::filesystem::remove_all(dir);
}

TEST(UserPacer, ADirectoryItCannotUseLeavesItPacingAlone) {
  const auto file = std::filesystem::temp_directory_path() / ("mcph-pacer-test-file-" + std::to_string(::getpid()));
  std::ofstream(file) << "not a directory";
  TestClock clock;
  UserPacer pacer = clock.pacer(file / "pacing");
  for (int i = 0; i < 19; ++i) EXPECT_EQ(pacer.take("jira-mcp", "alice", k20PerSecond), Clock::duration::zero());
  EXPECT_GT(pacer.take("jira-mcp", "alice", k20PerSecond), Clock::duration::zero());
  std::filesystem::remove(file);
}

TEST(UserPacer, OnlyAStackThatUpMadeHasAPacingDirectory) {
  stack::StackFile made_by_up;
  made_by_up.supervisor = stack::SupervisorEntry{};
  EXPECT_EQ(pacing_dir_for(made_by_up, "/runs/one/stack.json"), std::filesystem::path("/runs/one/pacing"));
  EXPECT_EQ(pacing_dir_for(stack::StackFile{}, "/home/me/stack.json"), std::filesystem::path());
  EXPECT_EQ(pacing_dir_for(made_by_up, ""), std::filesystem::path());
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

stack::StackFile stack_of(const LimitedServer& server, const std::string& stated_limit) {
  stack::StackFile stack;
  stack.mode = stack::StackMode::external;
  stack.services["jira-mcp"].url = server.url();
  if (!stated_limit.empty()) stack.services["jira-mcp"].mcp.rate_limit = stack::RateLimit::parse(stated_limit);
  return stack;
}

std::vector<reports::ScenarioResult> run_against(const LimitedServer& server, const std::string& stated_limit) {
  ScenarioRunner runner(stack_of(server, stated_limit));
  return runner.run(parse_scenario_file(three_scenarios_of_one_user(), "paced.yaml")).scenarios;
}

// Two runners at once, as ctest's scenario processes are, each running one scenario of 10
// requests by the same user: with a shared pacing directory, or each pacing alone.
std::vector<int> two_runners_at_once(const LimitedServer& server, const std::filesystem::path& pacing_dir) {
  std::string text = three_scenarios_of_one_user();
  text = text.substr(0, text.find("  - name: scenario 1"));
  const ScenarioFile file = parse_scenario_file(text, "paced.yaml");
  const auto run = [&] {
    RunnerOptions options;
    options.pacing_dir = pacing_dir;
    ScenarioRunner runner(stack_of(server, "10/1000ms"), options);
    (void)runner.run(file);
  };
  std::thread first(run), second(run);
  first.join();
  second.join();
  return server.statuses();
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

TEST(UserPacerInTheRunner, RunnersSharingAPacingDirectoryStayWithinTheLimitTogether) {
  const auto dir = std::filesystem::temp_directory_path() / ("mcph-pacer-runners-" + std::to_string(::getpid()));
  std::filesystem::remove_all(dir);
  LimitedServer shared;
  const auto statuses = two_runners_at_once(shared, dir);
  EXPECT_EQ(statuses.size(), 20u);
  EXPECT_THAT(statuses, Each(Eq(200)));
  std::filesystem::remove_all(dir);

  LimitedServer alone;
  EXPECT_THAT(two_runners_at_once(alone, {}), ::testing::Contains(429));
}

// POST /mcp that refuses every request (401), at most 10 a second from one address, as the
// agent bridge limits the requests it refuses: beyond that, 429.
class RefusingServer {
 public:
  RefusingServer() : limiter_(10, 1000ms) {
    http::ServerOptions options;
    options.access_log = false;
    server_ = std::make_unique<http::Server>(options);
    server_->route("POST", "/mcp", [this](const http::Request& req, http::Response& res) {
      const bool limited = limiter_.acquire("addr:" + req.remote_addr).has_value();
      res.set_json(limited ? 429 : 401, R"({"error":"invalid_token"})");
    });
    server_->start();
  }
  std::string url() const { return server_->url() + "/mcp"; }

 private:
  broker::RateLimiter limiter_;
  std::unique_ptr<http::Server> server_;
};

// Two runners at once on one address: one sends a burst of 30 refused requests, as a scenario
// that spends the address's budget on purpose does; the other sends 12 refused requests one by
// one and expects each to be answered 401. Returns the second one's result.
reports::ScenarioResult refusals_beside_a_burst(const RefusingServer& server, const std::string& stated_limit,
                                                const std::filesystem::path& pacing_dir) {
  const std::string request = "http: {server: jira-mcp, auth: none, json: {jsonrpc: \"2.0\", id: 1, method: ping}}";
  const ScenarioFile burst = parse_scenario_file(
      "suite: burst\nscenarios:\n  - name: burst\n    steps:\n      - " + request.substr(0, request.size() - 1) +
          ", repeat: 30}\n        expect: {some_http_status: 401}\n",
      "burst.yaml");
  std::string one_by_one = "suite: refused\nscenarios:\n  - name: one by one\n    steps:\n";
  for (int i = 0; i < 12; ++i) one_by_one += "      - " + request + "\n        expect: {http_status: 401}\n";
  const ScenarioFile refused = parse_scenario_file(one_by_one, "refused.yaml");
  stack::StackFile stack;
  stack.mode = stack::StackMode::external;
  stack.services["jira-mcp"].url = server.url();
  if (!stated_limit.empty()) stack.services["jira-mcp"].mcp.refused_rate_limit = stack::RateLimit::parse(stated_limit);
  RunnerOptions options;
  options.pacing_dir = pacing_dir;
  reports::ScenarioResult result;
  std::thread bursting([&] { (void)ScenarioRunner(stack, options).run(burst); });
  std::thread refusing([&] { result = ScenarioRunner(stack, options).run(refused).scenarios.at(0); });
  bursting.join();
  refusing.join();
  return result;
}

TEST(UserPacerInTheRunner, RefusedRequestsOfRunnersOnOneAddressStayWithinTheServersLimitForThem) {
  const auto dir = std::filesystem::temp_directory_path() / ("mcph-pacer-refused-" + std::to_string(::getpid()));
  std::filesystem::remove_all(dir);
  RefusingServer stated;
  const auto paced = refusals_beside_a_burst(stated, "10/1000ms", dir);
  EXPECT_EQ(paced.status, Status::passed) << (paced.failures.empty() ? paced.message : paced.failures[0].actual);
  std::filesystem::remove_all(dir);

  // The same runs against a stack that does not state the limit: the 429s the pacing avoids.
  RefusingServer unstated;
  EXPECT_EQ(refusals_beside_a_burst(unstated, "", dir).status, Status::failed);
  std::filesystem::remove_all(dir);
}

}  // namespace
}  // namespace mcph::harness::scenario
