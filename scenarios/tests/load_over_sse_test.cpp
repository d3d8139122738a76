// Family 10 over MCP's HTTP+SSE transport (2024-11-05): the load step drives the servers through
// their GET /sse streams and POST /messages/, each user's calls on that user's own stream, and
// every call must still reach the backend with its caller's own credential (cross_user_calls 0).
// The servers are the load stack's (ctest's load_stack fixture), reached at /sse by a stack file
// that says `transport: sse` for them, as a user's own file for such servers would.
#include <gtest/gtest.h>

#include <cstdlib>

#include "mcph/harness/scenario/scenario_loader.h"
#include "mcph/harness/scenario/scenario_runner.h"

namespace mcph::harness::scenario {
namespace {

using Status = reports::ScenarioResult::Status;

// No rate_limit_probe: its 48 connections for one user would pass the servers' 16 open streams
// per user, a bound of the transport, not the rate limit the probe is about.
constexpr const char* kLoadOverSse = R"(suite: load_over_sse
family: load
needs:
  generated_users: 130
  rate_limit: {requests: 20, window_ms: 1000}
scenarios:
  - name: 24 users interleaved on every server over HTTP+SSE use only their own credentials
    steps:
      - load:
          first_user: 9
          users: 24
          connections: [8]
          calls: 480
          servers:
            jira: {tool: get_issue, args: {issue_key: DEMO-1}}
            github: {tool: list_repos}
            postgres: {tool: execute_query, args: {query: "SELECT current_user AS who"}, role_at: /rows/0/who}
          time_limit_ms: 90000
        expect:
          cross_user_calls: 0
          calls_without_entry: 0
          failed_calls: 0
          accepted_calls_at_least: 480
)";

TEST(LoadOverSse, UsersInterleavedOverHttpSseUseOnlyTheirOwnCredentials) {
  const char* stack_file = std::getenv("MCPH_STACK_FILE");
  ASSERT_TRUE(stack_file && *stack_file) << "MCPH_STACK_FILE is not set: run this through ctest (load_stack fixture)";
  stack::StackFile stack = stack::StackFile::load(stack_file);
  for (const char* server : {"jira-mcp", "github-mcp", "postgres-mcp"}) {
    stack::ServiceEntry& entry = stack.services.at(server);
    entry.url = entry.url.substr(0, entry.url.rfind("/mcp")) + "/sse";
    entry.mcp.transport = "sse";
  }
  ScenarioRunner runner(stack);
  const auto suite = runner.run(parse_scenario_file(kLoadOverSse, "load_over_sse (inline)"));
  ASSERT_EQ(suite.scenarios.size(), 1u);
  const auto& result = suite.scenarios.front();
  std::string why = result.message;
  for (const auto& failure : result.failures) why += "\n" + failure.step + " | " + failure.expectation + " | " + failure.actual;
  EXPECT_EQ(result.status, Status::passed) << why;
}

}  // namespace
}  // namespace mcph::harness::scenario
