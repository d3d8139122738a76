// The `load` step (family 10) as a scenario file writes it: what loads, and every mistake named
// with file, line and field.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "mcph/harness/scenario/scenario_loader.h"

namespace mcph::harness::scenario {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;

const char* kNeeds = "needs: {generated_users: 12, rate_limit: {requests: 20, window_ms: 1000}}\n";

std::string file_with_step(const std::string& step, const std::string& needs = kNeeds) {
  return "suite: load\n" + needs + "scenarios:\n  - name: one\n    steps:\n" + step;
}

std::string load_step_error(const std::string& step, const std::string& needs = kNeeds) {
  try {
    parse_scenario_file(file_with_step(step, needs), "scenarios/l.yaml");
  } catch (const ScenarioError& e) {
    return e.what();
  }
  ADD_FAILURE() << "no error for:\n" << step;
  return "";
}

const char* kStep = R"(      - load:
          users: 10
          connections: [4, 16]
          calls: 600
          servers:
            jira: {tool: get_issue, args: {issue_key: DEMO-1}}
            postgres: {tool: execute_query, args: {query: "SELECT current_user AS who"}, role_at: /rows/0/who}
          time_limit_ms: 30000
          rate_limit_probe: {users: 2, calls: 50}
        expect:
          cross_user_calls: 0
          calls_without_entry: 0
          failed_calls: 0
          rate_limit_violations: 0
          accepted_calls_at_least: 600
          within_ms: 60000
)";

TEST(LoadStep, LoadsWithTheFilesRateLimit) {
  const ScenarioFile file = parse_scenario_file(file_with_step(kStep), "scenarios/l.yaml");
  const Step& step = file.scenarios.at(0).steps.at(0);
  EXPECT_EQ(step.kind(), StepKind::load);
  EXPECT_STREQ(to_string(step.kind()), "load");
  const LoadSpec& load = step.get<LoadSpec>();
  EXPECT_EQ(load.users, 10);
  EXPECT_THAT(load.connections, ElementsAre(4, 16));
  EXPECT_EQ(load.calls, 600);
  ASSERT_EQ(load.servers.size(), 2u);
  EXPECT_EQ(load.servers[0].server, "jira");
  EXPECT_EQ(load.servers[0].tool, "get_issue");
  EXPECT_EQ(load.servers[0].args, R"({"issue_key":"DEMO-1"})");
  EXPECT_EQ(load.servers[0].role_at, "");
  EXPECT_EQ(load.servers[1].role_at, "/rows/0/who");
  EXPECT_EQ(load.time_limit_ms, 30000);
  EXPECT_EQ(load.call_timeout_ms, 10000);
  EXPECT_EQ(load.probe_users, 2);
  EXPECT_EQ(load.probe_calls, 50);
  EXPECT_EQ(load.rate_limit, 20);
  EXPECT_EQ(load.rate_window_ms, 1000);
  EXPECT_EQ(step.expect.size(), 6u);
}

TEST(LoadStep, OneConnectionCountIsOneLevel) {
  const ScenarioFile file = parse_scenario_file(
      file_with_step("      - load: {users: 3, connections: 8, calls: 10, servers: {github: {tool: list_repos}}}\n"), "l.yaml");
  EXPECT_THAT(file.scenarios.at(0).steps.at(0).get<LoadSpec>().connections, ElementsAre(8));
  EXPECT_EQ(file.scenarios.at(0).steps.at(0).get<LoadSpec>().probe_users, 0);
}

TEST(LoadStep, MistakesNameFileLineAndField) {
  const std::string good = "users: 3, connections: 8, calls: 10, servers: {github: {tool: list_repos}}";
  const auto step = [](const std::string& body) { return "      - load: {" + body + "}\n"; };
  EXPECT_THAT(load_step_error(step(good + ", speed: 11")),
              HasSubstr("scenarios/l.yaml:6: scenarios[0].steps[0].load.speed: unknown key (allowed here: call_timeout_ms, calls, "));
  EXPECT_THAT(load_step_error(step("connections: 8, calls: 10, servers: {github: {tool: list_repos}}")),
              HasSubstr("steps[0].load.users: missing"));
  EXPECT_THAT(load_step_error(step("users: 3, connections: [8, 0], calls: 10, servers: {github: {tool: list_repos}}")),
              HasSubstr("load.connections: expected an integer from 1 to 4096, got 0"));
  EXPECT_THAT(load_step_error(step("users: 3, connections: [], calls: 10, servers: {github: {tool: list_repos}}")),
              HasSubstr("load.connections: expected a connection count or a list of them"));
  EXPECT_THAT(load_step_error(step("users: 3, connections: [8, 16], calls: 3, servers: {github: {tool: list_repos}, jira: {tool: x}}")),
              HasSubstr("load.calls: at least one call per level and server (4)"));
  EXPECT_THAT(load_step_error(step("users: 3, connections: 8, calls: 10, servers: {github: {args: {}}}")),
              HasSubstr("load.servers.github.tool: missing"));
  EXPECT_THAT(load_step_error(step("users: 3, connections: 8, calls: 10, servers: {github: {tool: list_repos, speed: 1}}")),
              HasSubstr("load.servers.github.speed: unknown key"));
  EXPECT_THAT(load_step_error(step("users: 3, connections: 8, calls: 10, servers: {postgres: {tool: q, role_at: rows}}")),
              HasSubstr("load.servers.postgres.role_at: expected a JSON pointer"));
  EXPECT_THAT(load_step_error(step("users: 3, connections: 8, calls: 10, servers: []")),
              HasSubstr("load.servers: expected a mapping of servers to their call"));
  EXPECT_THAT(load_step_error(step(good + ", rate_limit_probe: {users: 10, calls: 5}")),
              HasSubstr("load.users: the step acts for user0001…user0013 (probe users included): the file's "
                        "needs.generated_users must be at least 13, not 12"));
  // first_user moves the step's users (and its probe users after them) along.
  EXPECT_THAT(load_step_error(step(good + ", first_user: 11"), "needs: {generated_users: 12}\n"),
              HasSubstr("load.users: the step acts for user0011…user0013 (probe users included): the file's "
                        "needs.generated_users must be at least 13, not 12"));
  EXPECT_EQ(parse_scenario_file(file_with_step(step(good + ", first_user: 10"), "needs: {generated_users: 12}\n"), "l.yaml")
                .scenarios.at(0).steps.at(0).get<LoadSpec>().first_user,
            10);
  EXPECT_THAT(load_step_error(step(good + ", first_user: 0")), HasSubstr("load.first_user: expected an integer from 1"));
  EXPECT_EQ(parse_scenario_file(file_with_step(step(good), "needs: {generated_users: 12}\n"), "l.yaml")
                .scenarios.at(0).steps.at(0).get<LoadSpec>().rate_limit,
            0) << "no limit stated: no pacing, no rate checks";
  EXPECT_THAT(load_step_error(step(good + ", rate_limit_probe: {users: 1, calls: 5}"), "needs: {generated_users: 12}\n"),
              HasSubstr("load.rate_limit_probe: the file must state the servers' limit to probe it"));
  EXPECT_THAT(load_step_error(step(good), ""), HasSubstr("needs.generated_users must be at least 3, not 0"));
  EXPECT_THAT(load_step_error(step(good + ", time_limit_ms: 0")), HasSubstr("load.time_limit_ms: expected an integer from 1"));
  EXPECT_THAT(load_step_error("      - load: 5\n"), HasSubstr("steps[0].load: expected a mapping"));
}

TEST(LoadStep, ItsExpectationsBelongToLoadStepsOnly) {
  EXPECT_THAT(load_step_error("      - as: alice\n        call: jira.get_issue\n        expect: {cross_user_calls: 0}\n"),
              HasSubstr("expect.cross_user_calls: unknown key"));
  EXPECT_THAT(load_step_error("      - load: {users: 3, connections: 8, calls: 10, servers: {github: {tool: list_repos}}}\n"
                         "        expect: {ok: true}\n"),
              HasSubstr("expect.ok: unknown key"));
  EXPECT_THAT(load_step_error("      - load: {users: 3, connections: 8, calls: 10, servers: {github: {tool: list_repos}}}\n"
                         "        expect: {failed_calls: none}\n"),
              HasSubstr("expect.failed_calls: expected an integer"));
}

}  // namespace
}  // namespace mcph::harness::scenario
