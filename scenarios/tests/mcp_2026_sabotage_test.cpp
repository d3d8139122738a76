// The MCP 2026-07-28 family (scenarios/mcp_2026.yaml) with jira-mcp swapped for one of the test's
// own, started with each of the reference servers' modern-era UNSAFE switches beside the shared
// stack: the file fails in exactly the scenario that shows the switch's defect, with its finding
// on jira-mcp, and nowhere else. The same jira-mcp without a switch passes the whole file, so that
// a red is the switch's.
#include <gtest/gtest.h>

#include <cstdlib>
#include <map>
#include <string>

#include "mcph/harness/scenario/scenario_runner.h"
#include "own_servers.h"
#include "sabotage_verdicts.h"

namespace mcph::harness::scenario {
namespace {

class Mcp2026Sabotage : public ::testing::Test {
 protected:
  void SetUp() override {
    const char* stack_file = std::getenv("MCPH_STACK_FILE");
    if (!stack_file) GTEST_SKIP() << "MCPH_STACK_FILE is not set: these tests run beside the shared stack";
    stack_ = stack::StackFile::load(stack_file);
  }

  // mcp_2026.yaml against the stack with a jira-mcp of the test's own (taking the stack's
  // jira-mcp tokens) started with `flag`: `red` alone fails, naming `property` on jira-mcp.
  void expect_red(const std::string& flag, const std::string& red, const std::string& property) const {
    std::vector<std::string> argv = {"--audience", stack_.service("jira-mcp").url};
    if (!flag.empty()) argv.push_back(flag);
    const proc::StartedService own = start_own_server(stack_, "jira-mcp", ServerRoute::direct, argv);
    stack::StackFile stack = stack_;
    stack.services["jira-mcp"].url = own.url + "/mcp";
    ScenarioRunner runner(stack);
    RedVerdicts expected{.flag = flag.empty() ? "(no switch)" : flag, .server = "jira-mcp"};
    if (!red.empty()) expected.red["mcp_2026 / " + red] = property;
    expect_red_exactly(run_suites(runner, {"mcp_2026"}), expected);
  }

  stack::StackFile stack_;
};

TEST_F(Mcp2026Sabotage, TheServerWithoutASwitchPassesEveryCase) { expect_red("", "", ""); }

struct Switch {
  std::string name, flag, scenario, property;
};

class Mcp2026SabotageOfEachSwitch : public Mcp2026Sabotage, public ::testing::WithParamInterface<Switch> {};

TEST_P(Mcp2026SabotageOfEachSwitch, ItsScenarioAloneIsFound) {
  expect_red(GetParam().flag, GetParam().scenario, GetParam().property);
}

INSTANTIATE_TEST_SUITE_P(
    EachSwitch, Mcp2026SabotageOfEachSwitch,
    ::testing::Values(
        Switch{"remember_caller", "--unsafe-remember-caller-by-address",
               "a request without a token is refused, whatever an earlier request carried",
               "serves a request on another request's authorization"},
        Switch{"shared_read_cache", "--unsafe-cache-reads-across-users",
               "another user's token in the next request reads only that user's resources",
               "serves one user's resource to another"},
        Switch{"public_cache_scope", "--unsafe-public-cache-scope", "per-user results are never cacheable by anyone",
               "lets any cache share a per-user result"},
        Switch{"authorize_on_header", "--unsafe-authorize-on-header",
               "headers that disagree with the body are refused and nothing runs",
               "runs a request whose headers and body disagree"},
        Switch{"param_headers_unchecked", "--unsafe-param-headers-unchecked",
               "a parameter header that disagrees with its argument is refused and nothing runs",
               "runs a request whose headers and body disagree"},
        Switch{"version_from_header", "--unsafe-version-from-header", "the version header and _meta's version must agree",
               "serves a request whose version header and _meta disagree"},
        Switch{"request_state_any_caller", "--unsafe-request-state-any-caller",
               "a requestState is taken only from the caller it was issued to",
               "takes a requestState from a caller it was not issued to"},
        Switch{"request_state_unsealed", "--unsafe-request-state-unsealed", "a requestState altered by the client is refused",
               "takes a requestState the client altered"},
        Switch{"request_state_no_expiry", "--unsafe-request-state-no-expiry", "an expired requestState is refused",
               "takes an expired requestState"},
        Switch{"request_state_any_request", "--unsafe-request-state-any-request",
               "a requestState confirms only the request it was issued for", "takes a requestState on another request"},
        Switch{"request_state_reusable", "--unsafe-request-state-reusable", "a requestState is taken once",
               "takes a requestState a second time"},
        Switch{"confirmation_any_answer", "--unsafe-confirmation-any-answer",
               "a call its user declines runs nothing, and the one she confirms runs",
               "runs a call its user declined"},
        Switch{"bare_scope_challenge", "--unsafe-bare-scope-challenge",
               "a call lacking a scope is told the scope to ask for and where the metadata is",
               "refuses without the challenge the specifications require"},
        Switch{"exact_scopes", "--unsafe-exact-scopes", "a broader scope that implies the one a call needs is enough",
               "refuses a scope that implies the one a call needs"},
        Switch{"offline_access_in_metadata", "--unsafe-offline-access-in-metadata",
               "the metadata does not list offline_access among the scopes to ask for", "asks clients for offline_access"},
        Switch{"offline_access_in_challenge", "--unsafe-offline-access-in-challenge",
               "a scope challenge does not ask for offline_access", "asks clients for offline_access"}),
    [](const ::testing::TestParamInfo<Switch>& info) { return info.param.name; });

}  // namespace
}  // namespace mcph::harness::scenario
