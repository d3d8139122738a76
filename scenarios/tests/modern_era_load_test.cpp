// Family 10 over MCP 2026-07-28 alone. ModernEraStackLoad: the load family's own file against a
// stack of the test's own brought up as a user brings one up for that revision (--protocol modern,
// the scenario suites' users and rate limit), its jira-mcp, github-mcp and postgres-mcp serving it
// alone behind the stack's fault proxy and named `protocol: modern` in its stack file: the same
// servers, services and route as the legacy era's load stack, the era alone differing. The load
// driver then sends each call as a self-contained request of that revision (no session; a server
// of that era alone refuses initialize), and the family must pass as over the legacy era: every
// call answered, its latencies recorded per server, every call's backend request its own user's,
// the rate limit holding. ModernEraLoad: a jira-mcp of the test's own of that era, on the load
// stack, that shares a credential between users is still found.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <cstdint>
#include <cstdlib>
#include <fstream>
#include <memory>
#include <sstream>
#include <string>
#include <utility>
#include <vector>

#include "mcph/harness/scenario/scenario_loader.h"
#include "mcph/harness/scenario/scenario_runner.h"
#include "mcph/harness/stack/supervised_stack.h"
#include "mcph/proc/child_process.h"
#include "mcph/proc/listen_overflows.h"
#include "modern_era_support.h"

namespace mcph::harness::scenario {
namespace {

using ::testing::HasSubstr;
using Status = reports::ScenarioResult::Status;

// When calls failed: the stack's mock-vault's slowest answers by its own log (each line ends
// with the time the request took it) and the end of each MCP server's log, so that a failure
// says whether Vault was slow to answer or never saw the requests.
std::string what_the_servers_logged(const stack::StackFile& stack) {
  std::vector<std::pair<double, std::string>> answers;
  std::ifstream vault_log(stack.service("vault").log);
  for (std::string line; std::getline(vault_log, line);) {
    const auto space = line.rfind(' ');
    if (space == std::string::npos || !line.ends_with("ms")) continue;
    try {
      answers.emplace_back(std::stod(line.substr(space + 1)), line);
    } catch (const std::exception&) {
    }
  }
  const auto shown = std::min<std::size_t>(answers.size(), 8);
  std::partial_sort(answers.begin(), answers.begin() + static_cast<long>(shown), answers.end(),
                    [](const auto& a, const auto& b) { return a.first > b.first; });
  std::ostringstream out;
  out << "Vault's " << shown << " slowest of " << answers.size() << " answers:\n";
  for (std::size_t i = 0; i < shown; ++i) out << "  " << answers[i].second << "\n";
  for (const char* server : {"jira-mcp", "github-mcp", "postgres-mcp"}) {
    const std::string log = stack.service(server).log;
    out << "the end of " << log << ":\n" << proc::last_lines_of(log, 8);
  }
  return out.str();
}

TEST(ModernEraStackLoad, TheLoadFamilyPassesOnAStackBroughtUpInTheModernEra) {
  stack::SupervisedStackOptions options;
  options.stack = stack::scenario_suite_params();
  options.stack.protocol = "modern";
  const std::unique_ptr<stack::SupervisedStack> stack = stack::SupervisedStack::start(options);
  for (const char* server : {"jira-mcp", "github-mcp", "postgres-mcp"}) {
    ASSERT_EQ(stack->stack().service(server).mcp.protocol, "modern") << server;
  }
  ScenarioRunner runner(stack->stack());
  const std::int64_t overflows_before = proc::listen_overflows();
  const reports::SuiteResult suite = runner.run(scenario_family("load"));
  const std::int64_t overflows = proc::listen_overflows() - overflows_before;
  ASSERT_EQ(suite.scenarios.size(), 1u);
  const reports::ScenarioResult& result = suite.scenarios.front();
  // (The message is made only when the expectation fails.)
  // And whether connections were dropped at a full listen queue (the machine's count), which a
  // client sees as an answer that never comes.
  EXPECT_EQ(result.status, Status::passed) << outcome_of("load", result).why() << what_the_servers_logged(stack->stack())
                                           << "connections dropped at a full listen queue during the run: " << overflows;
  // Every server answered at each level, and its latencies are recorded.
  const std::vector<reports::LoadLevel>& levels = result.steps.at(0).load;
  for (const char* server : {"jira-mcp", "github-mcp", "postgres-mcp"}) {
    for (const int connections : {8, 16}) {
      const auto level = std::find_if(levels.begin(), levels.end(), [&](const reports::LoadLevel& l) {
        return l.server == server && l.concurrency == connections;
      });
      ASSERT_NE(level, levels.end()) << server << " at " << connections << " connections";
      EXPECT_GT(level->calls, 0) << server;
      EXPECT_EQ(level->failed, 0) << server;
      EXPECT_GT(level->p50_ms, 0) << server;
      EXPECT_GE(level->max_ms, level->p99_ms) << server;
    }
  }
  // docs/families.md says what runs over which era with this very count.
  expect_documented_era_table({outcome_of("load", result)}, {"load"});
}

class ModernEraLoad : public ::testing::Test {
 protected:
  void SetUp() override {
    const char* stack_file = std::getenv("MCPH_STACK_FILE");
    if (!stack_file) GTEST_SKIP() << "MCPH_STACK_FILE is not set: these tests run on the load stack";
    stack_ = stack::StackFile::load(stack_file);
  }

  stack::StackFile stack_;
  std::vector<proc::StartedService> own_;
};

// A jira-mcp of the modern era alone that caches the users' Jira credentials under the first
// seven characters of their names: user0010 … user0019 share one, which the ledger shows.
TEST_F(ModernEraLoad, ACredentialSharedBetweenUsersIsStillFound) {
  ScenarioRunner runner(with_modern_users_servers(stack_, ServerRoute::through_fault_proxy, own_, "",
                                                  {"--unsafe-credential-cache-key-chars", "7"}));
  const reports::SuiteResult suite = runner.run(parse_scenario_file(R"(suite: load_over_modern_sabotage
family: load
needs: {generated_users: 130, rate_limit: {requests: 20, window_ms: 1000}}
scenarios:
  - name: twelve users on jira-mcp use only their own credentials
    steps:
      - load:
          first_user: 9
          users: 12
          connections: [4]
          calls: 120
          servers:
            jira: {tool: get_issue, args: {issue_key: DEMO-1}}
        expect: {cross_user_calls: 0, calls_without_entry: 0, failed_calls: 0}
)", "load_over_modern_sabotage.yaml"));
  ASSERT_EQ(suite.scenarios.size(), 1u);
  const reports::ScenarioResult& result = suite.scenarios.front();
  const std::string why = outcome_of("load", result).why();
  EXPECT_EQ(result.status, Status::failed) << why;
  EXPECT_THAT(why, HasSubstr("expected cross_user_calls: 0"));
  EXPECT_THAT(why, HasSubstr("a backend request with the credential of user001"));
  EXPECT_THAT(why, ::testing::Not(HasSubstr("expected failed_calls")));
}

// jira-mcp's create_issue repeats its project in Mcp-Param-Project (x-mcp-header): a server of the
// modern era refuses a call without it (400, -32020), so the load's calls carry it, as the
// server's own tools/list declares it, and every call is answered.
TEST_F(ModernEraLoad, ACallWhoseToolDeclaresAParameterHeaderCarriesIt) {
  ScenarioRunner runner(with_modern_users_servers(stack_, ServerRoute::through_fault_proxy, own_));
  const reports::SuiteResult suite = runner.run(parse_scenario_file(R"(suite: load_over_modern_param_headers
family: load
needs: {generated_users: 130, rate_limit: {requests: 20, window_ms: 1000}}
scenarios:
  - name: twelve users create issues on jira-mcp, each call with its parameter header
    steps:
      - load:
          first_user: 30
          users: 12
          connections: [4]
          calls: 48
          servers:
            jira: {tool: create_issue, args: {project: DEMO, summary: created under load}}
        expect: {failed_calls: 0, cross_user_calls: 0, calls_without_entry: 0}
)", "load_over_modern_param_headers.yaml"));
  ASSERT_EQ(suite.scenarios.size(), 1u);
  const reports::ScenarioResult& result = suite.scenarios.front();
  EXPECT_EQ(result.status, Status::passed) << outcome_of("load", result).why();
}

}  // namespace
}  // namespace mcph::harness::scenario
