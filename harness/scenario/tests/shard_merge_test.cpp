// Sharding a load step (shard.h, load_record.h): what a worker records, and what the merge makes
// of several workers' records — percentiles from merged histograms, a leak seen only across two
// workers, and result directories that do not make one run refused, saying why.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <random>
#include <unistd.h>

#include "latency_histogram.h"
#include "load_record.h"
#include "mcph/harness/scenario/scenario_loader.h"
#include "mcph/harness/scenario/shard.h"
#include "mcph/harness/load/load_driver.h"

namespace mcph::harness::scenario {
namespace {

using ::testing::HasSubstr;
using Status = reports::ScenarioResult::Status;

TEST(LatencyHistogram, PercentilesOfMergedHistogramsAreThoseOfAllCallsWithinOnePercent) {
  std::mt19937 random(7);
  std::lognormal_distribution<double> latency(3.0, 1.0);  // a long tail, as calls have
  std::vector<double> all;
  LatencyHistogram first, second, whole;
  for (int i = 0; i < 20000; ++i) {
    const bool slow = i % 4 == 0;  // a quarter of the calls, on one worker, ten times slower
    const double ms = latency(random) * (slow ? 10 : 1);
    all.push_back(ms);
    (slow ? second : first).add(ms);
    whole.add(ms);
  }
  std::sort(all.begin(), all.end());
  LatencyHistogram merged = first;
  merged.merge(second);
  EXPECT_EQ(merged.to_json(), whole.to_json());
  for (double q : {0.5, 0.9, 0.99}) {
    const double exact = load::percentile_of_sorted(all, q);
    EXPECT_NEAR(merged.percentile_ms(q), exact, exact * 0.0101) << q;
  }
  // Averaged percentiles would be wrong by far more: that is why they are never used.
  for (double q : {0.5, 0.9}) {
    const double averaged = (first.percentile_ms(q) + second.percentile_ms(q)) / 2;
    const double merged_ms = merged.percentile_ms(q);
    EXPECT_GT(std::abs(averaged - merged_ms), merged_ms * 0.2) << q;
  }
  EXPECT_DOUBLE_EQ(merged.max_ms(), all.back());
  EXPECT_EQ(LatencyHistogram::from_json(merged.to_json()).to_json(), merged.to_json());
  EXPECT_EQ(LatencyHistogram().percentile_ms(0.5), 0);
}

TEST(LatencyHistogram, ReadingRefusesWhatIsNotOne) {
  EXPECT_THROW(LatencyHistogram::from_json({{"count", 1}, {"buckets", {{5000, 1}}}}), std::invalid_argument);
  EXPECT_THROW(LatencyHistogram::from_json({{"count", 2}, {"buckets", {{5, 1}}}}), std::invalid_argument);
  EXPECT_THROW(LatencyHistogram::from_json(nlohmann::json::array()), std::invalid_argument);
}

TEST(Shard, FromTheFlagOrAnIndexedJobsEnvironment) {
  EXPECT_EQ(parse_shard("2/3").index, 2);
  EXPECT_EQ(parse_shard("2/3").count, 3);
  EXPECT_THAT([] { parse_shard("3/3"); }, ::testing::ThrowsMessage<std::invalid_argument>(HasSubstr("must be 0 to 2")));
  EXPECT_THAT([] { parse_shard("1-3"); }, ::testing::ThrowsMessage<std::invalid_argument>(HasSubstr("expected INDEX/COUNT")));
  EXPECT_THROW(parse_shard("0/0"), std::invalid_argument);
  EXPECT_THROW(parse_shard("-1/2"), std::invalid_argument);
  const auto env = [](std::map<std::string, std::string> values) {
    return [values](const char* name) -> const char* {
      const auto it = values.find(name);
      return it == values.end() ? nullptr : it->second.c_str();
    };
  };
  EXPECT_FALSE(shard_from_environment(env({{"MCPH_SHARD_COUNT", "3"}})));
  const auto job = shard_from_environment(env({{"JOB_COMPLETION_INDEX", "1"}, {"MCPH_SHARD_COUNT", "3"}}));
  ASSERT_TRUE(job);
  EXPECT_EQ(job->index, 1);
  EXPECT_EQ(job->count, 3);
  EXPECT_THAT([&] { shard_from_environment(env({{"JOB_COMPLETION_INDEX", "1"}})); },
              ::testing::ThrowsMessage<std::invalid_argument>(HasSubstr("MCPH_SHARD_COUNT is not")));
  EXPECT_THROW(shard_from_environment(env({{"JOB_COMPLETION_INDEX", "4"}, {"MCPH_SHARD_COUNT", "3"}})), std::invalid_argument);
  EXPECT_THROW(shard_from_environment(env({{"JOB_COMPLETION_INDEX", "x"}, {"MCPH_SHARD_COUNT", "3"}})), std::invalid_argument);
}

std::string trace_id(int shard, int n) {
  char id[33];
  std::snprintf(id, sizeof id, "%08x%024x", shard + 1, n + 1);
  return id;
}

// A worker's record of `users`, each with `calls` ok calls on jira-mcp reaching the backend
// with its own credential.
LoadRecord record_of(int shard, int shards, const std::vector<std::string>& users, int calls = 3) {
  LoadRecord record;
  record.shard = shard;
  record.shards = shards;
  record.users = users;
  LoadLevelRecord level{"jira-mcp", 2, false, 0, 0, 1000.0 + shard, 1002.0 + shard, {}};
  int n = 0;
  for (const auto& user : users) {
    for (int i = 0; i < calls; ++i) {
      LoadCallRecord call;
      call.server = "jira-mcp";
      call.user = user;
      call.trace_id = trace_id(shard, n++);
      call.ok = true;
      call.http_status = 200;
      call.ledger = true;
      call.entries = {{user, 200, "****" + user.substr(4)}};
      call.credential = credential_fingerprint(call.server, call.entries);
      record.calls.push_back(call);
      ++level.calls;
      level.latencies.add(10.0 * (shard + 1));
    }
  }
  record.levels.push_back(level);
  return record;
}

TEST(MergeLoadRecords, OneCredentialForTwoUsersOnTwoWorkersIsALeakOnlyTheMergeSees) {
  LoadRecord first = record_of(0, 2, {"user0009", "user0010"});
  LoadRecord second = record_of(1, 2, {"user0011", "user0012"});
  // Injected into the second worker's record: user0011's calls reached the backend with a
  // credential the ledger could not name the owner of — yet it is the one user0010 got.
  for (auto& call : second.calls) {
    if (call.user == "user0011") call.credential = first.calls.at(3).credential;
  }
  EXPECT_EQ(merge_load_records({first}).cross_user, 0);
  EXPECT_EQ(merge_load_records({second}).cross_user, 0) << "alone, a worker sees nothing wrong";
  const LoadOutcome merged = merge_load_records({first, second});
  EXPECT_EQ(merged.shared_credentials, 1);
  EXPECT_EQ(merged.cross_user, 6) << "user0010's three calls and user0011's";
  ASSERT_FALSE(merged.problems.empty());
  EXPECT_THAT(merged.problems.front(), HasSubstr("user0010 (shard 0/2), user0011 (shard 1/2)"));
  EXPECT_EQ(merged.users, 4);
  EXPECT_EQ(merged.calls, 12);
  EXPECT_EQ(merged.shards, 2);
}

TEST(MergeLoadRecords, ACallWithAnotherUsersCredentialIsCountedOnce) {
  LoadRecord first = record_of(0, 2, {"user0009"});
  LoadRecord second = record_of(1, 2, {"user0010"});
  // user0010's first call reached the backend with user0009's credential (the ledger says so).
  second.calls.at(0).entries = first.calls.at(0).entries;
  second.calls.at(0).credential = first.calls.at(0).credential;
  const LoadOutcome merged = merge_load_records({first, second});
  EXPECT_EQ(merged.shared_credentials, 1);
  EXPECT_EQ(merged.cross_user, 4) << "user0010's foreign call once, and user0009's three calls with the shared credential";
}

TEST(MergeLoadRecords, LevelsComeFromMergedHistogramsOverTheWholeSpan) {
  const LoadOutcome merged = merge_load_records({record_of(0, 2, {"user0009"}, 10), record_of(1, 2, {"user0010"}, 30)});
  ASSERT_EQ(merged.levels.size(), 2u);  // jira-mcp, then all servers
  EXPECT_EQ(merged.levels[0].server, "jira-mcp");
  EXPECT_EQ(merged.levels[1].server, "");
  EXPECT_EQ(merged.levels[1].concurrency, 4);
  EXPECT_EQ(merged.levels[1].calls, 40);
  EXPECT_NEAR(merged.levels[1].p50_ms, 20.0, 0.2) << "three quarters of the calls took 20 ms";
  EXPECT_NEAR(merged.levels[1].calls_per_second, 40 / 3.0, 1e-9) << "from the first start to the last end";
}

TEST(MergeLoadRecords, RecordsThatOverlapAreRefused) {
  EXPECT_THAT([] { merge_load_records({record_of(0, 2, {"user0009"}), record_of(1, 2, {"user0009"})}); },
              ::testing::ThrowsMessage<std::invalid_argument>(HasSubstr("user0009 is in the slices of shard 0/2 and shard 1/2")));
  LoadRecord again = record_of(1, 2, {"user0010"});
  again.calls.at(0).trace_id = trace_id(0, 0);
  EXPECT_THAT([&] { merge_load_records({record_of(0, 2, {"user0009"}), again}); },
              ::testing::ThrowsMessage<std::invalid_argument>(HasSubstr("is claimed by two calls")));
  const LoadRecord back = load_record_from_json(to_json(again));
  EXPECT_EQ(to_json(back), to_json(again));
}

const char* kScenario = R"(suite: sharded
family: load
needs: {generated_users: 12}
scenarios:
  - name: four users
    steps:
      - load: {first_user: 9, users: 4, connections: [2], calls: 12, servers: {jira: {tool: get_issue, args: {issue_key: DEMO-1}}}}
        expect: {cross_user_calls: 0, failed_calls: 0, accepted_calls_at_least: 12}
)";

class MergeShards : public ::testing::Test {
 protected:
  void SetUp() override {
    root_ = std::filesystem::temp_directory_path() /
            ("mcph-shard-test-" + std::to_string(::getpid()) + "-" + ::testing::UnitTest::GetInstance()->current_test_info()->name());
    std::filesystem::remove_all(root_);
  }
  void TearDown() override { std::filesystem::remove_all(root_); }

  // Worker `shard` of `shards` wrote `record` for the file's load step.
  std::filesystem::path write(int shard, int shards, const LoadRecord& record, const std::string& text = kScenario) {
    const ScenarioFile file = parse_scenario_file(text, "scenarios/sharded.yaml");
    reports::RunReport report;
    report.started_at = "2026-01-01T00:00:0" + std::to_string(shard) + "Z";
    reports::SuiteResult suite;
    suite.name = file.suite;
    suite.file = file.path;
    reports::ScenarioResult scenario;
    scenario.name = "four users";
    reports::StepRecord step;
    step.title = "1: load: 4 users, 2 connections, 12 calls";
    step.ms = 1000.0 + shard;
    scenario.steps.push_back(step);
    suite.scenarios.push_back(scenario);
    report.suites.push_back(suite);
    const auto dir = root_ / ("shard-" + std::to_string(shard) + "-" + std::to_string(written_++));
    write_shard_result(dir, Shard{shard, shards}, report, {file},
                       nlohmann::json::array({{{"suite", "sharded"}, {"scenario", "four users"}, {"step", 1}, {"record", to_json(record)}}}));
    return dir;
  }

  std::string merge_error(const std::vector<std::filesystem::path>& dirs) {
    try {
      merge_shard_results(dirs);
    } catch (const ShardMergeError& e) {
      return e.what();
    }
    ADD_FAILURE() << "merged";
    return "";
  }

  std::filesystem::path root_;
  int written_ = 0;
};

TEST_F(MergeShards, TwoWorkersMakeOnePassingRun) {
  const auto merged = merge_shard_results({write(1, 2, record_of(1, 2, {"user0011", "user0012"})),
                                           write(0, 2, record_of(0, 2, {"user0009", "user0010"}))});
  EXPECT_EQ(merged.shards, 2);
  const auto& scenario = merged.report.suites.at(0).scenarios.at(0);
  EXPECT_EQ(scenario.status, Status::passed) << (scenario.failures.empty() ? "" : scenario.failures[0].actual);
  ASSERT_EQ(scenario.steps.at(0).checks.size(), 3u);
  EXPECT_THAT(scenario.steps.at(0).checks.at(2).actual, HasSubstr("12 of"));
  EXPECT_EQ(scenario.steps.at(0).ms, 1001.0);
  EXPECT_EQ(merged.report.started_at, "2026-01-01T00:00:00Z");
  const auto& bench = merged.benchmarks.at("benchmarks").at(0);
  EXPECT_EQ(bench.at("name"), "load/sharded/four users/1");
  EXPECT_EQ(bench.at("calls"), 12);
  EXPECT_EQ(bench.at("c4_p50_ms").get<double>() > 0, true);
}

TEST_F(MergeShards, ALeakAcrossTwoWorkersFailsTheMergedRun) {
  LoadRecord first = record_of(0, 2, {"user0009", "user0010"});
  LoadRecord second = record_of(1, 2, {"user0011", "user0012"});
  second.calls.at(0).credential = first.calls.at(0).credential;
  const auto merged = merge_shard_results({write(0, 2, first), write(1, 2, second)});
  const auto& scenario = merged.report.suites.at(0).scenarios.at(0);
  EXPECT_EQ(scenario.status, Status::failed);
  ASSERT_FALSE(scenario.failures.empty());
  EXPECT_THAT(scenario.failures.at(0).expectation, HasSubstr("cross_user_calls"));
  EXPECT_THAT(scenario.failures.at(0).actual, HasSubstr("user0009 (shard 0/2), user0011 (shard 1/2)"));
}

TEST_F(MergeShards, ResultsThatDoNotMakeOneRunAreRefusedSayingWhy) {
  const auto zero = write(0, 2, record_of(0, 2, {"user0009", "user0010"}));
  const auto one = write(1, 2, record_of(1, 2, {"user0011", "user0012"}));
  EXPECT_THAT(merge_error({zero}), HasSubstr("shard(s) 1 of 2 missing"));
  EXPECT_THAT(merge_error({zero, one, write(1, 2, record_of(1, 2, {"user0011", "user0012"}))}),
              HasSubstr("both claim shard 1/2"));
  EXPECT_THAT(merge_error({zero, write(1, 3, record_of(1, 3, {"user0011", "user0012"}))}),
              HasSubstr("results of runs with different numbers of shards"));
  std::string other = kScenario;
  other.replace(other.find("calls: 12"), 9, "calls: 13");
  EXPECT_THAT(merge_error({zero, write(1, 2, record_of(1, 2, {"user0011", "user0012"}), other)}),
              HasSubstr("ran other scenario files than shard 0/2"));
  EXPECT_THAT(merge_error({zero, write(1, 2, record_of(1, 2, {"user0011"}))}),
              HasSubstr("do not cover the step's users; missing: user0012"));
  EXPECT_THAT(merge_error({zero, root_ / "nowhere"}), HasSubstr("no shard.json"));
  EXPECT_THAT(merge_error({}), HasSubstr("no result directories"));
}

}  // namespace
}  // namespace mcph::harness::scenario
