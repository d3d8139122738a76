// mcp-harness run and replay as a user runs them, separate processes: what a run reports and how
// it exits, replay of its trace, the mistakes refused before any stack starts.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <fstream>
#include <nlohmann/json.hpp>

#include "mcph/http/server.h"
#include "run_command_support.h"

namespace mcph::harness::cli {
namespace {

using namespace cli_test;
using namespace std::chrono_literals;
using Json = nlohmann::json;
using ::testing::HasSubstr;
using ::testing::IsEmpty;
using ::testing::Not;
using ::testing::StartsWith;

TEST(RunCommandTest, RunsAFamilyOnItsOwnStackAndWritesReportsWithoutSecrets) {
  const proc::TempDir dir = work_dir();
  const fs::path junit = dir.path() / "junit.xml", html = dir.path() / "report.html", traces = dir.path() / "traces";
  const auto run = harness({"run", "--family", "isolation", "--junit", junit.string(), "--html", html.string(),
                            "--traces", traces.string()},
                           dir.path());
  ASSERT_EQ(run.exit_code, 0) << run.output;
  EXPECT_THAT(run.output, HasSubstr("stack: starting a local stack for this run"));
  EXPECT_THAT(run.output, HasSubstr("stack: stopping the local stack of this run"));

  const scenario::ScenarioFile isolation = scenario_file("isolation");
  ASSERT_GE(isolation.scenarios.size(), 2u);
  const std::size_t count = isolation.scenarios.size();
  EXPECT_EQ(lines_starting_with(run.output, "[").size(), count) << run.output;  // one line per scenario
  for (const scenario::Scenario& scenario : isolation.scenarios) {
    EXPECT_THAT(run.output, HasSubstr("[isolation] " + scenario.name + ": passed (")) << scenario.name;
  }
  EXPECT_THAT(run.output, HasSubstr(std::to_string(count) + " scenarios: " + std::to_string(count) + " passed, 0 failed"));

  const std::string report = read_file(html);
  ASSERT_FALSE(report.empty());
  for (const scenario::Scenario& scenario : isolation.scenarios) {
    EXPECT_THAT(report, HasSubstr(html_escaped(scenario.name))) << scenario.name;
  }
  // The user flow of every call, stage by stage (reports/model.h lists the stages).
  for (const char* stage : {"login", "JWT claims", "MCP request", "Vault login and entity", "masked credential",
                            "backend ledger entry"}) {
    EXPECT_THAT(report, HasSubstr(std::string(">") + stage + "<")) << stage;
  }
  EXPECT_THAT(report, HasSubstr("credential of alice"));
  EXPECT_THAT(report, HasSubstr("credential of bob"));

  const fs::path trace_file = traces / "isolation.trace.json";
  ASSERT_TRUE(fs::exists(trace_file));
  const Json trace = Json::parse(read_file(trace_file));
  EXPECT_EQ(trace["scenarios"].size(), count);

  const std::string xml = read_file(junit);
  std::vector<std::pair<std::string, std::string>> outputs = {
      {"command output", run.output}, {"JUnit report", xml}, {"HTML report", report}};
  for (const auto& entry : fs::directory_iterator(traces)) {
    outputs.emplace_back(entry.path().string(), read_file(entry.path()));
  }
  for (const auto& [what, text] : outputs) EXPECT_THAT(leaked_secret(text), IsEmpty()) << what;

  if (!have_xmllint()) GTEST_SKIP() << "xmllint not installed (Debian package libxml2-utils): JUnit not parsed";
  xmllint({"--noout", "--schema", MCPH_JUNIT_XSD_PATH, junit.string()});
  EXPECT_EQ(xmllint({"--xpath", "count(//testsuite[@name='isolation']/testcase)", junit.string()}),
            std::to_string(count));
  EXPECT_EQ(xmllint({"--xpath", "count(//testsuite)", junit.string()}), "1");
  EXPECT_EQ(xmllint({"--xpath", "count(//failure) + count(//error)", junit.string()}), "0");
}

TEST(RunCommandTest, AFailedExpectationExits1AndIsNamedInSummaryJUnitAndSarif) {
  UpStack stack;
  ASSERT_EQ(stack.up.exit_code, 0) << stack.up.output;
  const fs::path file = stack.dir.path() / "wrong_expectation.yaml";
  std::ofstream(file) << "suite: wrong_expectation\n"
                         "family: missing credentials\n"
                         "scenarios:\n"
                         "  - name: bob is expected to read Jira without a credential\n"
                         "    steps:\n"
                         "      - as: bob\n"
                         "        call: jira.list_issues\n"
                         "        expect:\n"
                         "          ok: true\n"  // line 9: cannot hold, bob has no Jira credential
                         "        property: missing-credential-falls-back\n"
                         "  - name: bob reaches GitHub\n"
                         "    steps:\n"
                         "      - as: bob\n"
                         "        call: github.list_repos\n"
                         "        expect: {ok: true, backend_credential_of: bob}\n";
  const fs::path junit = stack.dir.path() / "junit.xml", sarif = stack.dir.path() / "findings.sarif";
  const auto run = harness({"run", file.string(), "--stack", stack.stack_file.string(), "--junit", junit.string(),
                            "--sarif", sarif.string()},
                           stack.dir.path());
  EXPECT_EQ(run.exit_code, 1) << run.output;
  const std::string expectation = "ok: true (" + file.string() + ":9)";
  EXPECT_THAT(run.output, HasSubstr("[wrong_expectation] bob is expected to read Jira without a credential: failed"));
  EXPECT_THAT(run.output, HasSubstr("[wrong_expectation] bob reaches GitHub: passed"));
  // The stack's configuration check passed (a stack `up` started and nothing changed) and counts.
  EXPECT_THAT(run.output, HasSubstr("[stack_configuration] the stack is configured as its fixtures describe: passed"));
  EXPECT_THAT(run.output, HasSubstr("3 scenarios: 2 passed, 1 failed, 0 broken"));
  // The summary: the scenario, the step, what was expected (with file:line) and what happened.
  const std::string summary = run.output.substr(run.output.find("3 scenarios:"));
  EXPECT_THAT(summary, HasSubstr("failed: wrong_expectation — bob is expected to read Jira without a credential"));
  EXPECT_THAT(summary, HasSubstr("step 1: bob calls jira.list_issues"));
  EXPECT_THAT(summary, HasSubstr("findings: 1 property broken (1 finding in 1 scenario) on 1 server"));
  EXPECT_THAT(summary, HasSubstr("expected " + expectation));
  EXPECT_THAT(summary, HasSubstr("actual   HTTP 200, tool error: no_credentials: no Jira credentials stored for bob"));
  // The finding: the server the step addressed, the step's property, and the evidence.
  EXPECT_THAT(summary, HasSubstr("finding on jira-mcp: a missing credential falls back or fails unclearly (ok: true — HTTP 200, tool error: "
                                 "no_credentials: no Jira credentials stored for bob)"));
  EXPECT_THAT(summary, Not(HasSubstr("bob reaches GitHub")));

  // SARIF: the one finding, an error about jira-mcp at the line of the expectation that failed.
  const std::string findings = read_file(sarif);
  std::size_t results = 0;
  for (auto at = findings.find("\"ruleId\""); at != std::string::npos; at = findings.find("\"ruleId\"", at + 1)) ++results;
  EXPECT_EQ(results, 1u) << findings;
  EXPECT_THAT(findings, HasSubstr("\"level\": \"error\""));
  EXPECT_THAT(findings, HasSubstr("\"uri\": \"file://" + file.string() + "\""));
  EXPECT_THAT(findings, HasSubstr("\"startLine\": 9"));
  EXPECT_THAT(findings, HasSubstr("\"name\": \"jira-mcp\""));
  EXPECT_THAT(findings, HasSubstr("\"text\": \"jira-mcp: a missing credential falls back or fails unclearly — ok: true"));

  const std::string xml = read_file(junit);
  EXPECT_THAT(xml, HasSubstr("<failure "));
  EXPECT_THAT(xml, HasSubstr("expected: " + expectation));
  if (!have_xmllint()) GTEST_SKIP() << "xmllint not installed (Debian package libxml2-utils): JUnit not parsed";
  EXPECT_EQ(xmllint({"--xpath", "count(//failure)", junit.string()}), "1");
  const std::string message = xmllint(
      {"--xpath", "string(//testcase[@name='bob is expected to read Jira without a credential']/failure/@message)",
       junit.string()});
  EXPECT_THAT(message, HasSubstr(expectation));
  EXPECT_THAT(message, HasSubstr("no Jira credentials stored for bob"));
}

TEST(RunCommandTest, AMalformedScenarioFileExits2BeforeAnyStackStarts) {
  const proc::TempDir dir = work_dir();
  const fs::path good = fs::path(MCPH_SCENARIOS_DIR) / "isolation.yaml";
  const fs::path bad = dir.path() / "malformed.yaml";
  std::ofstream(bad) << "suite: malformed\n"
                        "family: isolation\n"
                        "scenarios:\n"
                        "  - name: a status that is not a number\n"
                        "    steps:\n"
                        "      - as: alice\n"
                        "        call: jira.list_issues\n"
                        "        expect:\n"
                        "          http_status: ok\n";
  const fs::path stderr_file = dir.path() / "stderr.txt";
  // stdout is captured, stderr goes to its own file: the error must be on stderr.
  proc::SpawnOptions spawn;
  spawn.argv = {"/bin/sh", "-c", R"(exec "$0" run "$1" "$2" 2>"$3")", MCPH_HARNESS_BINARY, good.string(),
                bad.string(), stderr_file.string()};
  spawn.working_dir = dir.path().string();
  const proc::CommandResult run = proc::run_command(spawn, 60s);
  EXPECT_EQ(run.exit_code, 2);
  EXPECT_THAT(run.output, IsEmpty());  // nothing ran: no stack line, no scenario line
  // file:line: field: message — one line.
  const std::string error = read_file(stderr_file);
  EXPECT_THAT(error, StartsWith("mcp-harness run: " + bad.string() + ":9: scenarios[0].steps[0].expect.http_status: "));
  EXPECT_THAT(error, HasSubstr("got \"ok\""));
  EXPECT_EQ(std::count(error.begin(), error.end(), '\n'), 1) << error;

  std::ofstream(bad) << "suite: malformed\nfamily: isolation\nscenarios:\n  - name: [unclosed\n";
  const auto syntax = harness({"run", bad.string()}, dir.path(), 60s);
  EXPECT_EQ(syntax.exit_code, 2);
  EXPECT_THAT(syntax.output, HasSubstr(bad.string() + ":5: YAML: "));
  EXPECT_THAT(syntax.output, Not(HasSubstr("stack:")));

  const auto unknown_family = harness({"run", "--family", "no-such-family"}, dir.path(), 60s);
  EXPECT_EQ(unknown_family.exit_code, 2);
  EXPECT_THAT(unknown_family.output, HasSubstr("no scenario file of family 'no-such-family'; the families are: "));
  EXPECT_THAT(unknown_family.output, Not(HasSubstr("stack:")));

  // A misspelt --scenario would otherwise run nothing and pass.
  const auto unknown_scenario = harness({"run", "--family", "isolation", "--scenario", "no such scenario"}, dir.path(), 60s);
  EXPECT_EQ(unknown_scenario.exit_code, 2);
  EXPECT_THAT(unknown_scenario.output, HasSubstr("no scenario matches \"no such scenario\""));
  EXPECT_THAT(unknown_scenario.output, Not(HasSubstr("stack:")));

  const auto missing_trace = harness({"replay", (dir.path() / "missing.trace.json").string()}, dir.path(), 60s);
  EXPECT_EQ(missing_trace.exit_code, 2);
  EXPECT_THAT(missing_trace.output, HasSubstr("cannot read the trace"));
  EXPECT_THAT(missing_trace.output, Not(HasSubstr("stack:")));
}

TEST(RunCommandTest, ReplayOfAPassingTraceFindsNoDifferencesAndAnEditedOneNamesTheField) {
  UpStack stack;
  ASSERT_EQ(stack.up.exit_code, 0) << stack.up.output;
  const fs::path traces = stack.dir.path() / "traces";
  const auto run = harness({"run", "--family", "isolation", "--stack", stack.stack_file.string(), "--traces",
                            traces.string()},
                           stack.dir.path());
  ASSERT_EQ(run.exit_code, 0) << run.output;
  const fs::path trace_file = traces / "isolation.trace.json";

  const fs::path replayed_trace = stack.dir.path() / "replayed.json";
  const auto same = harness({"replay", trace_file.string(), "--stack", stack.stack_file.string(), "--trace-out",
                             replayed_trace.string()},
                            stack.dir.path());
  EXPECT_EQ(same.exit_code, 0) << same.output;
  EXPECT_THAT(same.output, HasSubstr("replay: no differences from the recording"));
  EXPECT_EQ(Json::parse(read_file(replayed_trace))["scenarios"].size(), scenario_file("isolation").scenarios.size());

  // The recording says the first step's tool call failed; the stack says it works.
  Json trace = Json::parse(read_file(trace_file));
  Json& step = trace["scenarios"][0]["steps"][0];
  ASSERT_EQ(step["signature"]["outcome"], "ok") << step.dump(2);
  step["signature"]["outcome"] = "tool_error edited_by_the_test";
  const fs::path edited = stack.dir.path() / "edited.trace.json";
  std::ofstream(edited) << trace.dump(2);
  const auto differs = harness({"replay", edited.string(), "--stack", stack.stack_file.string()}, stack.dir.path());
  EXPECT_EQ(differs.exit_code, 1) << differs.output;
  EXPECT_THAT(differs.output, HasSubstr("replay: 1 difference from the recording"));
  EXPECT_THAT(differs.output, HasSubstr(trace["scenarios"][0]["name"].get<std::string>() + " / step " +
                                        step["title"].get<std::string>() + ": outcome\n"));
  EXPECT_THAT(differs.output, HasSubstr("recorded: tool_error edited_by_the_test\n"));
  EXPECT_THAT(differs.output, HasSubstr("now:      ok\n"));

  const fs::path not_a_trace = stack.dir.path() / "not_a_trace.json";
  std::ofstream(not_a_trace) << R"({"scenarios": []})";
  const auto refused = harness({"replay", not_a_trace.string(), "--stack", stack.stack_file.string()}, stack.dir.path());
  EXPECT_NE(refused.exit_code, 0);
  EXPECT_THAT(refused.output, HasSubstr(not_a_trace.string() + ": not an mcp-harness trace"));
}

TEST(RunCommandTest, HelpListAndSelectionMistakesNeedNoStack) {
  const proc::TempDir dir = work_dir();
  const auto help = harness({"run", "-h"}, dir.path(), 30s);
  EXPECT_EQ(help.exit_code, 0) << help.output;
  EXPECT_THAT(help.output, HasSubstr("Usage: mcp-harness run [FILES...] [flags]"));
  EXPECT_THAT(help.output, HasSubstr("--list"));

  // --list shows the selection (family, then a pattern) and starts nothing.
  const scenario::ScenarioFile rate_limit = scenario_file("rate_limit");
  const auto list = harness({"run", "--list", "--family", "rate-limit"}, dir.path(), 30s);
  EXPECT_EQ(list.exit_code, 0) << list.output;
  EXPECT_THAT(list.output, HasSubstr("rate_limit.yaml"));
  for (const auto& scenario : rate_limit.scenarios) EXPECT_THAT(list.output, HasSubstr("  " + scenario.name + "\n"));
  EXPECT_THAT(list.output, Not(HasSubstr("isolation.yaml")));
  EXPECT_THAT(list.output, Not(HasSubstr("stack:")));
  EXPECT_FALSE(fs::exists(dir.path() / ".mcp-harness"));
  const scenario::ScenarioFile isolation = scenario_file("isolation");
  const std::string first = isolation.scenarios.front().name;
  const auto one = harness({"run", "--list", "--scenario", first}, dir.path(), 30s);
  EXPECT_EQ(one.exit_code, 0) << one.output;
  EXPECT_THAT(one.output, HasSubstr("  " + first + "\n"));
  EXPECT_THAT(one.output, HasSubstr("1 scenarios in 1 files"));

  const auto missing = harness({"run", "no-such-file.yaml"}, dir.path(), 30s);
  EXPECT_EQ(missing.exit_code, 2);
  EXPECT_THAT(missing.output, HasSubstr("no-such-file.yaml: no such file"));
  const auto family = harness({"run", "--family", "isolaton"}, dir.path(), 30s);
  EXPECT_EQ(family.exit_code, 2);
  EXPECT_THAT(family.output, HasSubstr("the families are: "));
  EXPECT_THAT(family.output, HasSubstr("isolation"));
  const auto pattern = harness({"run", "--scenario", "nothing is named so*"}, dir.path(), 30s);
  EXPECT_EQ(pattern.exit_code, 2);
  EXPECT_THAT(pattern.output, HasSubstr("no scenario matches"));
}

// A server that answers every request 404 (a stack file that names the wrong path): the scenario
// was never judged, so the run reports it inconclusive with the reason and exits 4, not 1 — no
// finding is claimed — and a finding in the same run still makes it 1.
TEST(RunCommandTest, AScenarioNotReachedIsInconclusiveAndExits4) {
  const proc::TempDir dir("mcph-cli-inconclusive");
  http::ServerOptions options;
  options.access_log = false;
  http::Server server(options);  // no route: every path is a 404
  server.start();
  const fs::path stack_file = dir.path() / "stack.json";
  std::ofstream(stack_file) << Json{{"mode", "external"},
                                    {"services", {{"vault", {{"url", "http://127.0.0.1:9"}}},
                                                  {"jira-mcp", {{"url", server.url() + "/wrong-path"}}}}}}
                                   .dump();
  const fs::path file = dir.path() / "unreached.yaml";
  std::ofstream(file) << "suite: unreached\n"
                         "family: missing credentials\n"
                         "scenarios:\n"
                         "  - name: a call without a token is refused\n"
                         "    steps:\n"
                         "      - http: {server: jira-mcp, probe: true, auth: none}\n"
                         "        expect: {http_status: 401}\n"
                         "        property: accepts-token-it-must-refuse\n";
  const auto run = harness({"run", file.string(), "--stack", stack_file.string()}, dir.path(), 60s);
  EXPECT_EQ(run.exit_code, 4) << run.output;
  EXPECT_THAT(run.output, HasSubstr("0 failed, 0 broken, 1 inconclusive"));
  EXPECT_THAT(run.output, HasSubstr("inconclusive: step 1 was not reached: 404 from POST /wrong-path"));
  EXPECT_THAT(run.output, Not(HasSubstr("finding on jira-mcp")));

  // Nothing listening where the profile points is not reached either: the profile is wrong.
  std::ofstream(file, std::ios::app) << "  - name: a server that is not there is expected to answer\n"
                                        "    steps:\n"
                                        "      - http: {server: vault, method: GET, path: /v1/sys/health, auth: none}\n"
                                        "        expect: {http_status: 200}\n";
  const auto refused = harness({"run", file.string(), "--stack", stack_file.string()}, dir.path(), 60s);
  EXPECT_EQ(refused.exit_code, 4) << refused.output;
  EXPECT_THAT(refused.output, HasSubstr("0 broken, 2 inconclusive"));
  EXPECT_THAT(refused.output, HasSubstr("nothing listens there: the profile's url does not reach this server"));

  // A server that answers, but not as the profile says (TLS spoken to a plain HTTP port), broke
  // the scenario: that is not a verdict of reach, and it fails the run.
  std::string https_url = server.url();
  https_url.replace(0, 4, "https");
  std::ofstream(stack_file) << Json{{"mode", "external"},
                                    {"services", {{"vault", {{"url", https_url}}},
                                                  {"jira-mcp", {{"url", server.url() + "/wrong-path"}}}}}}
                                   .dump();
  const auto with_broken = harness({"run", file.string(), "--stack", stack_file.string()}, dir.path(), 60s);
  EXPECT_EQ(with_broken.exit_code, 1) << with_broken.output;
  EXPECT_THAT(with_broken.output, HasSubstr("1 broken, 1 inconclusive"));
}

// An agent server of a design nobody on the project wrote, under its own name, without an
// authorization server and without Keycloak in its stack: what does not apply to it is skipped,
// each scenario saying which need and what the stack has, and the run exits 0. Nothing is
// contacted: applicability is decided from the stack file alone.
TEST(RunCommandTest, WhatDoesNotApplyToTheStackIsSkippedWithItsReasonAndExits0) {
  const proc::TempDir dir("mcph-cli-applicability");
  const fs::path stack_file = dir.path() / "stack.json";
  std::ofstream(stack_file) << R"({"mode": "external", "services": {
      "vault": {"url": "http://127.0.0.1:9"},
      "vault-gateway": {"url": "http://127.0.0.1:9/mcp", "plays": "agent-bridge-mcp", "profile": "agent-bridge",
        "auth": {"default": "api_key", "agents": ["agent-a", "agent-b", "agent-c"],
                 "api_key": {"header": "X-API-Key", "keys_file": "api-keys.json"}}}}})";
  const auto authorization_server = harness(
      {"run", (fs::path(MCPH_SCENARIOS_DIR) / "authorization_server.yaml").string(), "--stack", stack_file.string()}, dir.path());
  EXPECT_EQ(authorization_server.exit_code, 5) << authorization_server.output;  // nothing ran
  // The 14 scenarios, and the configuration check, which has no Keycloak to compare.
  EXPECT_THAT(authorization_server.output, HasSubstr("15 scenarios: 0 passed, 0 failed, 0 broken, 15 skipped"));
  const std::string reason = "skipped (0 ms) — not applicable: it is about vault-gateway's authorization server (" +
                             (fs::path(MCPH_SCENARIOS_DIR) / "authorization_server.yaml").string() + ":";
  std::size_t skipped = 0;
  for (auto at = authorization_server.output.find(reason); at != std::string::npos;
       at = authorization_server.output.find(reason, at + 1)) {
    ++skipped;
  }
  EXPECT_EQ(skipped, 14u) << authorization_server.output;
  EXPECT_THAT(authorization_server.output, HasSubstr("services.vault-gateway.auth has no client_credentials"));

  const auto jwt_attacks = harness({"run", "--family", "jwt-attacks", "--stack", stack_file.string()}, dir.path());
  EXPECT_EQ(jwt_attacks.exit_code, 5) << jwt_attacks.output;
  EXPECT_THAT(jwt_attacks.output, HasSubstr("nothing ran: every scenario selected was skipped"));
  EXPECT_THAT(jwt_attacks.output, HasSubstr("nothing of family jwt-attacks applies to this stack: not applicable: it needs keycloak"));
  EXPECT_THAT(jwt_attacks.output, HasSubstr("and the stack file has no keycloak entry"));
  EXPECT_THAT(jwt_attacks.output, HasSubstr("it acts through static_jwt"));
  EXPECT_THAT(jwt_attacks.output, HasSubstr(" passed, 0 failed, 0 broken, "));
  EXPECT_THAT(jwt_attacks.output, HasSubstr("scenarios: 0 passed"));
}


}  // namespace
}  // namespace mcph::harness::cli
