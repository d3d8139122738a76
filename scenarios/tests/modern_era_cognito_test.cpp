// The Cognito family over MCP 2026-07-28 alone: a stack of the test's own brought up with
// --idp cognito --protocol modern, its MCP servers serving that revision alone and named
// `protocol: modern` in its stack file. The family passes whole, as over the legacy era; the
// cross-subject family's HTTP+SSE session cases, which run on a Cognito stack too, are not
// applicable there (a server of 2026-07-28 alone serves no GET /sse), saying why. And a jira-mcp
// of that era without the client_id allow-list is still found.
#include <gtest/gtest.h>

#include <map>
#include <memory>
#include <string>
#include <vector>

#include "mcph/harness/stack/supervised_stack.h"
#include "modern_era_support.h"

namespace mcph::harness::scenario {
namespace {

class ModernEraCognito : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    stack_ = start_cognito_stack("modern").release();
  }
  static void TearDownTestSuite() {
    delete stack_;
    stack_ = nullptr;
  }

  static const stack::StackFile& stack() { return stack_->stack(); }

  // The Cognito family, then the cross-subject family's HTTP+SSE cases, against `target`.
  static std::vector<Outcome> run_family_and_sse_cases(const stack::StackFile& target) {
    ScenarioRunner runner(target);
    std::vector<Outcome> outcomes = run_suites(runner, {"cognito"});
    ScenarioFile sse_cases = scenario_family("cross_subject");
    std::erase_if(sse_cases.scenarios, [](const Scenario& scenario) { return scenario.transport != mcp::Transport::sse; });
    for (const auto& result : runner.run(sse_cases).scenarios) outcomes.push_back(outcome_of("cross_subject", result));
    return outcomes;
  }

  static stack::SupervisedStack* stack_;
};

stack::SupervisedStack* ModernEraCognito::stack_ = nullptr;

const std::map<std::string, std::string> kSseCases = {
    {"cross_subject / POST /messages/ with another user's token, an unknown session_id or none reaches nobody's SSE "
     "stream",
     "of MCP 2026-07-28 alone"},
    {"cross_subject / POST /messages/ is refused without a valid token of its own, though the SSE stream's was valid",
     "of MCP 2026-07-28 alone"},
};

TEST_F(ModernEraCognito, TheFamilyPassesAndTheSseCasesAreNotApplicable) {
  for (const char* server : {"jira-mcp", "github-mcp", "postgres-mcp"}) {
    EXPECT_EQ(stack().service(server).mcp.protocol, "modern") << server;
  }
  const std::vector<Outcome> outcomes = run_family_and_sse_cases(stack());
  expect_passed_save_legacy_cases(outcomes, kSseCases);
  std::vector<Outcome> family;
  for (const auto& outcome : outcomes) {
    if (outcome.suite == "cognito") family.push_back(outcome);
  }
  // docs/families.md says what runs over which era with these very counts.
  expect_documented_era_table(family, {"cognito"});
}

// The client_id allow-list: without it, another app client of the pool reaches a server of the
// modern era alone as it reaches one of the legacy era. Behind the fault proxy, as the stack's own
// servers are, so that the case of Cognito unreachable reaches it.
TEST_F(ModernEraCognito, AServerWithoutTheClientCheckIsStillFound) {
  const proc::StartedService own = start_own_server(stack(), "jira-mcp", ServerRoute::through_fault_proxy,
                                                    {"--protocol", "modern", "--no-client-check"});
  stack::StackFile target = stack();
  target.services.at("jira-mcp").url = own.url + "/mcp";
  ScenarioRunner runner(target);
  expect_red_exactly(run_suites(runner, {"cognito"}),
                     {.flag = "--no-client-check",
                      .server = "jira-mcp",
                      .red = {{"cognito / another app client's access token is refused", "accepts a token it must refuse"}},
                      .also = {},
                      .undecided = {}});
}

}  // namespace
}  // namespace mcph::harness::scenario
