// A load step run as N worker processes against one stack and merged (docs/sharding.md): the
// same verdict as one process over the same users, and a leak found by the merge whether it
// lies in one worker's slice or only shows across two workers — the latter a jira-mcp started
// with --unsafe-credential-cache-key-chars, which gives users whose names share their first
// characters one backend credential.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <cstdlib>
#include <fstream>
#include <nlohmann/json.hpp>
#include <set>
#include <thread>

#include "mcph/harness/stack/stack_file.h"
#include "mcph/proc/child_process.h"
#include "mcph/proc/temp_dir.h"
#include "own_servers.h"

namespace mcph::harness::scenario {
namespace {

using ::testing::HasSubstr;
using Json = nlohmann::json;

const char* kEveryServer = R"(suite: sharded_load
family: load
needs: {generated_users: 130, rate_limit: {requests: 20, window_ms: 1000}}
scenarios:
  - name: 24 users on every server use only their own credentials
    steps:
      - load:
          first_user: 9
          users: 24
          connections: [6]
          calls: 720
          servers:
            jira: {tool: get_issue, args: {issue_key: DEMO-1}}
            github: {tool: list_repos}
            postgres: {tool: execute_query, args: {query: "SELECT current_user AS who"}, role_at: /rows/0/who}
          time_limit_ms: 90000
          rate_limit_probe: {users: 2, calls: 960}
        expect: {cross_user_calls: 0, calls_without_entry: 0, failed_calls: 0, rate_limit_violations: 0,
                 accepted_calls_at_least: 720, within_ms: 240000}
)";

// Users `first`… on jira-mcp alone (no probe).
std::string jira_only(int first, int users) {
  return R"(suite: sharded_leak
family: load
needs: {generated_users: 130, rate_limit: {requests: 20, window_ms: 1000}}
scenarios:
  - name: users on jira-mcp use only their own credentials
    steps:
      - load:
          first_user: )" + std::to_string(first) + R"(
          users: )" + std::to_string(users) + R"(
          connections: [2]
          calls: 60
          servers:
            jira: {tool: get_issue, args: {issue_key: DEMO-1}}
        expect: {cross_user_calls: 0, failed_calls: 0}
)";
}

struct Ran {
  int code = -1;
  std::string output;
};

class ShardedLoad : public ::testing::Test {
 protected:
  void SetUp() override {
    const char* file = std::getenv("MCPH_STACK_FILE");
    if (!file) GTEST_SKIP() << "MCPH_STACK_FILE names no stack (ctest sets it: the load_stack fixture)";
    stack_file_ = file;
    stack_ = stack::StackFile::load(stack_file_);
  }

  std::filesystem::path write(const std::string& name, const std::string& text) {
    const auto path = dir_.path() / name;
    std::ofstream(path) << text;
    return path;
  }

  static Ran harness(std::vector<std::string> args) {
    proc::SpawnOptions options;
    options.argv = {MCPH_HARNESS_BINARY};
    options.argv.insert(options.argv.end(), args.begin(), args.end());
    const auto result = proc::run_command(options, std::chrono::seconds(280));
    return {result.exit_code, result.output};
  }

  // `shards` workers at once on `stack_file`, each into DIR/<tag>-<i>; their directories.
  std::vector<std::string> run_workers(const std::string& tag, int shards, const std::filesystem::path& scenario,
                                       const std::string& stack_file, std::vector<Ran>& ran) {
    std::vector<std::string> dirs;
    for (int i = 0; i < shards; ++i) dirs.push_back((dir_.path() / (tag + "-" + std::to_string(i))).string());
    ran.assign(static_cast<std::size_t>(shards), {});
    std::vector<std::thread> workers;
    for (int i = 0; i < shards; ++i) {
      const auto at = static_cast<std::size_t>(i);
      workers.emplace_back([&, i, at] {
        ran[at] = harness({"run", "--stack", stack_file, "--shard", std::to_string(i) + "/" + std::to_string(shards),
                           "--shard-out", dirs[at], scenario.string()});
      });
    }
    for (auto& worker : workers) worker.join();
    return dirs;
  }

  static Json read_json(const std::filesystem::path& path) {
    std::ifstream in(path);
    return Json::parse(in);
  }

  // The users of the load step's record in each result directory, together.
  static std::set<std::string> users_of(const std::vector<std::string>& dirs) {
    std::set<std::string> users;
    for (const auto& dir : dirs) {
      const Json result = read_json(std::filesystem::path(dir) / "shard.json");
      for (const auto& step : result.at("load_steps")) {
        for (const auto& user : step.at("record").at("users")) users.insert(user.get<std::string>());
        for (const auto& user : step.at("record").at("probe_users")) users.insert(user.get<std::string>());
      }
    }
    return users;
  }

  proc::TempDir dir_{"mcph-shard"};
  std::string stack_file_;
  stack::StackFile stack_;
};

TEST_F(ShardedLoad, ThreeWorkersGiveTheVerdictOfOneProcessOverTheSameUsers) {
  const auto scenario = write("every_server.yaml", kEveryServer);
  std::vector<Ran> one, three;
  const auto single = run_workers("one", 1, scenario, stack_file_, one);
  ASSERT_EQ(one[0].code, 0) << one[0].output;
  const auto workers = run_workers("three", 3, scenario, stack_file_, three);
  // A worker judges the step's whole-step counts (accepted_calls_at_least: 720) against its own share:
  // its exit code is its slice's, the verdict the merge's.
  for (const auto& worker : three) EXPECT_EQ(worker.code, 0) << worker.output;

  std::vector<std::string> merge_one = {"merge", "--benchmark-json", (dir_.path() / "one.json").string()};
  merge_one.insert(merge_one.end(), single.begin(), single.end());
  const auto junit = (dir_.path() / "three.xml").string();
  std::vector<std::string> merge_three = {"merge", "--benchmark-json", (dir_.path() / "three.json").string(), "--junit", junit,
                                          "--html", (dir_.path() / "three.html").string()};
  merge_three.insert(merge_three.end(), workers.begin(), workers.end());
  const Ran merged_one = harness(merge_one);
  const Ran merged_three = harness(merge_three);
  EXPECT_EQ(merged_one.code, 0) << merged_one.output;
  EXPECT_EQ(merged_three.code, 0) << merged_three.output;
  EXPECT_THAT(merged_three.output, HasSubstr("3 shards merged: 2 scenarios: 2 passed, 0 failed, 0 broken"))
      << "the stack's configuration check and the load";

  EXPECT_EQ(users_of(single), users_of(workers));
  EXPECT_EQ(users_of(workers).size(), 26u) << "24 users and 2 probe users, each in one worker's slice";
  const Json a = read_json(dir_.path() / "one.json")["benchmarks"][0];
  const Json b = read_json(dir_.path() / "three.json")["benchmarks"][0];
  for (const char* zero : {"cross_user_calls", "calls_without_entry", "failed", "rate_limit_violations", "shared_credentials"}) {
    EXPECT_EQ(a[zero], 0) << zero;
    EXPECT_EQ(b[zero], 0) << zero;
  }
  // The level's 720 calls on 6 connections per server: 2 per worker; the warm-up's and the
  // probe's calls vary with the machine.
  EXPECT_EQ(b["c6_calls_per_s"].is_number(), true) << b.dump();
  EXPECT_NEAR(b["ok"].get<double>(), a["ok"].get<double>(), a["ok"].get<double>() * 0.5);
  EXPECT_GT(b["c6_p50_ms"].get<double>(), 0);
  std::ifstream report(junit);
  const std::string xml((std::istreambuf_iterator<char>(report)), std::istreambuf_iterator<char>());
  EXPECT_THAT(xml, HasSubstr("24 users on every server use only their own credentials"));
}

// A jira-mcp of the test's own whose credential cache is keyed by the first 7 characters of the
// user name: user0010 … user0019 share the credential of whichever of them called first.
struct LeakyJira {
  proc::StartedService service;
  std::string stack_file;
};

LeakyJira leaky_jira(const stack::StackFile& stack, const std::filesystem::path& dir) {
  LeakyJira leaky{start_own_server(stack, "jira-mcp", ServerRoute::direct,
                                   {"--audience", stack.service("jira-mcp").url, "--unsafe-credential-cache-key-chars", "7"}),
                  (dir / "leaky-stack.json").string()};
  stack::StackFile copy = stack;
  copy.services["jira-mcp"].url = leaky.service.url + "/mcp";
  copy.save(leaky.stack_file);
  return leaky;
}

// user0009 alone in shard 0; user0010 and user0011, who share a credential, in shard 1.
TEST_F(ShardedLoad, ALeakInOneWorkersSliceIsFoundByTheMerge) {
  const auto leaky = leaky_jira(stack_, dir_.path());
  const auto scenario = write("one_slice.yaml", jira_only(9, 3));
  std::vector<Ran> ran;
  const auto dirs = run_workers("slice", 2, scenario, leaky.stack_file, ran);
  EXPECT_EQ(ran[0].code, 0) << "user0009's worker saw nothing wrong\n" << ran[0].output;
  EXPECT_EQ(ran[1].code, 1) << ran[1].output;
  std::vector<std::string> merge = {"merge"};
  merge.insert(merge.end(), dirs.begin(), dirs.end());
  const Ran merged = harness(merge);
  EXPECT_EQ(merged.code, 1) << merged.output;
  EXPECT_THAT(merged.output, HasSubstr("cross_user_calls: 0"));
  EXPECT_THAT(merged.output, HasSubstr("reached the backend for 2 users: user0010 (shard 1/2), user0011 (shard 1/2)"));
}

// user0010 in shard 0, user0011 in shard 1: one credential for both, which only the two
// workers' calls together show shared.
TEST_F(ShardedLoad, ACredentialSharedAcrossTwoWorkersIsFoundByTheMerge) {
  const auto leaky = leaky_jira(stack_, dir_.path());
  const auto scenario = write("across.yaml", jira_only(10, 2));
  std::vector<Ran> ran;
  const auto dirs = run_workers("across", 2, scenario, leaky.stack_file, ran);
  std::vector<std::string> merge = {"merge", "--junit", (dir_.path() / "across.xml").string()};
  merge.insert(merge.end(), dirs.begin(), dirs.end());
  const Ran merged = harness(merge);
  EXPECT_EQ(merged.code, 1) << merged.output;
  EXPECT_THAT(merged.output, HasSubstr("reached the backend for 2 users: user0010 (shard 0/2), user0011 (shard 1/2)"));
  EXPECT_THAT(merged.output, HasSubstr("1 failed"));
}

TEST_F(ShardedLoad, ShardsThatDoNotMakeOneRunAreRefused) {
  const auto scenario = write("across.yaml", jira_only(10, 2));
  std::vector<Ran> ran;
  const auto dirs = run_workers("alone", 2, scenario, stack_file_, ran);
  const Ran missing = harness({"merge", dirs[0]});
  EXPECT_EQ(missing.code, 3) << missing.output;
  EXPECT_THAT(missing.output, HasSubstr("shard(s) 1 of 2 missing"));
  const Ran twice = harness({"merge", dirs[0], dirs[1], dirs[1]});
  EXPECT_EQ(twice.code, 3);
  EXPECT_THAT(twice.output, HasSubstr("both claim shard 1/2"));
  const Ran usage = harness({"run", "--stack", stack_file_, "--shard", "2/2", scenario.string()});
  EXPECT_EQ(usage.code, 2);
  EXPECT_THAT(usage.output, HasSubstr("must be 0 to 1"));
  const Ran no_out = harness({"run", "--stack", stack_file_, "--shard", "1/2", scenario.string()});
  EXPECT_EQ(no_out.code, 2);
  EXPECT_THAT(no_out.output, HasSubstr("needs --shard-out DIR"));
}

}  // namespace
}  // namespace mcph::harness::scenario
