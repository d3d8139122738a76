// The dpop family's cases at the servers of the realm's users (scenarios/dpop_users.yaml) with
// jira-mcp swapped for one of the test's own, started with each DPoP sabotage switch of the
// reference servers (servers/broker, jose::DpopSabotage) beside the shared stack: the file fails
// in exactly the scenarios that show the switch's defect, with its finding on jira-mcp, and
// nowhere else; the stack's github-mcp and postgres-mcp keep every other step green. The same
// jira-mcp without a switch passes the whole file, so that a red is the switch's.
#include <gtest/gtest.h>

#include <chrono>
#include <cstdlib>
#include <map>
#include <string>
#include <thread>

#include "mcph/harness/scenario/scenario_runner.h"
#include "dpop_proof_switches.h"
#include "own_servers.h"
#include "sabotage_verdicts.h"

namespace mcph::harness::scenario {
namespace {

class UsersDpopSabotage : public ::testing::Test {
 protected:
  void SetUp() override {
    const char* stack_file = std::getenv("MCPH_STACK_FILE");
    if (!stack_file) GTEST_SKIP() << "MCPH_STACK_FILE is not set: these tests run beside the shared stack";
    stack_ = stack::StackFile::load(stack_file);
  }

  // dpop_users.yaml against the stack with a jira-mcp of the test's own, taking the stack's
  // jira-mcp tokens (its audience), with `flags`: each of `red` fails naming its property on
  // jira-mcp, every other scenario passes.
  void expect_red(const std::vector<std::string>& flags, const std::map<std::string, std::string>& red) const {
    std::vector<std::string> argv = {"--audience", stack_.service("jira-mcp").url};
    argv.insert(argv.end(), flags.begin(), flags.end());
    const proc::StartedService own = start_own_server(stack_, "jira-mcp", ServerRoute::direct, argv);
    stack::StackFile stack = stack_;
    stack.services["jira-mcp"].url = own.url + "/mcp";
    ScenarioRunner runner(stack);
    // The stack's github-mcp and postgres-mcp allow alice 20 calls a second, and each run calls
    // them as alice about a dozen times: a run right after another's (these tests run one after
    // another) waits out the window the previous one used, or its controls meet a 429.
    std::this_thread::sleep_for(kRateWindow);
    std::string flag;
    for (const auto& each : flags) flag += (flag.empty() ? "" : " ") + each;
    RedVerdicts expected{.flag = flag.empty() ? "(no switch)" : flag, .server = "jira-mcp"};
    for (const auto& [scenario, property] : red) expected.red["dpop_users / " + scenario] = property;
    expect_red_exactly(run_suites(runner, {"dpop_users"}), expected);
  }

  static constexpr std::chrono::milliseconds kRateWindow{1100};
  stack::StackFile stack_;
};

TEST_F(UsersDpopSabotage, TheServerWithoutASwitchPassesEveryCase) { expect_red({}, {}); }

// The switches of the binding (the token's `cnf`, the proof's jti), each with its scenario.
struct BindingSwitch {
  std::string name, flag, scenario, property;
};

class UsersDpopSabotageOfEachSwitch : public UsersDpopSabotage, public ::testing::WithParamInterface<BindingSwitch> {};

TEST_P(UsersDpopSabotageOfEachSwitch, ItsScenarioAloneIsFound) {
  expect_red({GetParam().flag}, {{GetParam().scenario, GetParam().property}});
}

INSTANTIATE_TEST_SUITE_P(
    EachSwitch, UsersDpopSabotageOfEachSwitch,
    ::testing::Values(
        BindingSwitch{"no_proof", "--unsafe-dpop-no-proof", "a user's bound token without a proof is refused",
                      "accepts a DPoP-bound token without a proof"},
        BindingSwitch{"as_bearer", "--unsafe-dpop-as-bearer",
                      "a user's bound token presented as a bearer token, with or without its proof, is refused",
                      "accepts a DPoP-bound token as a bearer token"},
        BindingSwitch{"replay", "--unsafe-no-replay-check", "a user's proof used once is refused the second time",
                      "accepts a replayed DPoP proof"},
        BindingSwitch{"jkt", "--unsafe-no-jkt-check", "a user's bound token with a proof by another key is refused",
                      "accepts a DPoP proof by a key the token is not bound to"}),
    [](const ::testing::TestParamInfo<BindingSwitch>& info) { return info.param.name; });

// The switches of the proof's own checks (dpop_proof_switches.h), each with its scenario here.
class UsersDpopSabotageOfProofChecks : public UsersDpopSabotage, public ::testing::WithParamInterface<DpopProofSwitch> {};

TEST_P(UsersDpopSabotageOfProofChecks, ItsScenarioAloneIsFound) {
  expect_red({GetParam().flag}, {{GetParam().users_scenario, GetParam().property}});
}

INSTANTIATE_TEST_SUITE_P(EachSwitch, UsersDpopSabotageOfProofChecks, ::testing::ValuesIn(dpop_proof_switches()),
                         [](const ::testing::TestParamInfo<DpopProofSwitch>& info) { return info.param.name; });

}  // namespace
}  // namespace mcph::harness::scenario
