// mcp-harness run and replay as a user runs them: separate processes, against a stack of their
// own (started and stopped by the command) or one `mcp-harness up` left running.
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <csignal>
#include <fstream>
#include <functional>
#include <map>
#include <nlohmann/json.hpp>
#include <regex>
#include <set>
#include <sstream>
#include <thread>

#include "mcph/harness/provision/keycloak_admin.h"
#include "mcph/harness/stack/local_stack.h"
#include "mcph/harness/stack/process_state.h"
#include "mcph/harness/scenario/scenario_loader.h"
#include "mcph/harness/stack/stack_file.h"
#include "mcph/harness/stack/supervised_stack.h"
#include "mcph/harness/fixtures/user_fixtures.h"
#include "mcph/proc/child_process.h"
#include "mcph/proc/temp_dir.h"
#include "mcph/http/client.h"
#include "mcph/vault/client.h"

namespace mcph::harness {
namespace {

namespace fs = std::filesystem;
using namespace std::chrono_literals;
using Json = nlohmann::json;
using ::testing::HasSubstr;
using ::testing::IsEmpty;
using ::testing::Not;
using ::testing::StartsWith;

proc::CommandResult harness(std::vector<std::string> args, const fs::path& working_dir,
                            std::chrono::milliseconds timeout = 300s) {
  proc::SpawnOptions spawn;
  spawn.name = "mcp-harness";
  spawn.argv = {MCPH_HARNESS_BINARY};
  spawn.argv.insert(spawn.argv.end(), args.begin(), args.end());
  // A fresh directory: no .mcp-harness of someone's `up` is found there by accident.
  spawn.working_dir = working_dir.string();
  return proc::run_command(spawn, timeout);
}

std::string read_file(const fs::path& path) {
  std::ifstream in(path);
  std::stringstream buffer;
  buffer << in.rdbuf();
  return buffer.str();
}

// A directory PostgreSQL (the postgres user, when we are root) can pass through.
proc::TempDir work_dir() {
  proc::TempDir dir("mcph-cli-run-test");
  fs::permissions(dir.path(), fs::perms::others_exec, fs::perm_options::add);
  return dir;
}

ScenarioFile scenario_file(const std::string& stem) {
  return load_scenario_file(fs::path(MCPH_SCENARIOS_DIR) / (stem + ".yaml"));
}

// How the HTML report writes text (the five characters HTML escapes).
std::string html_escaped(const std::string& text) {
  std::string out;
  for (char c : text) {
    switch (c) {
      case '&': out += "&amp;"; break;
      case '<': out += "&lt;"; break;
      case '>': out += "&gt;"; break;
      case '"': out += "&quot;"; break;
      case '\'': out += "&#39;"; break;
      default: out += c;
    }
  }
  return out;
}

// Every credential a report or trace could leak: the users' passwords and backend credentials
// (fixtures/, generated users included), the OIDC client secrets, Vault's root token.
std::set<std::string> known_secrets() {
  std::set<std::string> secrets = {"alice123", "bob123", "carol123", "mcp-client-secret",
                                   "mcp-client-short-lived-secret", "root-token"};
  for (const UserFixture& user : load_users(FixtureFiles::in(default_fixtures_dir()), 8)) {
    secrets.insert(user.password);
    if (user.jira) {
      for (const char* field : {"password", "api_token", "personal_access_token"}) {
        const SecretFields fields = secret_fields(*user.jira);
        if (auto it = fields.find(field); it != fields.end()) secrets.insert(it->second);
      }
    }
    if (user.github) secrets.insert(user.github->token);
  }
  return secrets;
}

// The first secret found in `text`, or "" when there is none.
std::string leaked_secret(const std::string& text) {
  static const std::set<std::string> secrets = known_secrets();
  for (const std::string& secret : secrets) {
    if (text.find(secret) != std::string::npos) return secret;
  }
  static const std::regex jwt(R"(eyJ[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.)");
  static const std::regex vault_token(R"(hv[sbr]\.[A-Za-z0-9_-]{20,})");
  static const std::regex database_password(R"(postgresql://[^:/\s]+:[^*@\s][^@\s]*@)");
  std::smatch match;
  for (const std::regex* pattern : {&jwt, &vault_token, &database_password}) {
    if (std::regex_search(text, match, *pattern)) return match.str();
  }
  return "";
}

// `xmllint ARGUMENTS…`'s output without its final newline; a non-zero exit fails the test.
std::string xmllint(const std::vector<std::string>& arguments) {
  proc::SpawnOptions spawn;
  spawn.argv = {MCPH_XMLLINT_PATH};
  spawn.argv.insert(spawn.argv.end(), arguments.begin(), arguments.end());
  proc::CommandResult result = proc::run_command(spawn, 30s);
  EXPECT_EQ(result.exit_code, 0) << "xmllint " << ::testing::PrintToString(arguments) << ":\n" << result.output;
  if (!result.output.empty() && result.output.back() == '\n') result.output.pop_back();
  return result.output;
}

bool have_xmllint() { return std::string_view(MCPH_XMLLINT_PATH).size() > 0; }

// A stack `mcp-harness up` runs in a temporary run dir, stopped by `mcp-harness down` (and,
// should that fail, through its stack file) when the test ends.
struct UpStack {
  proc::TempDir dir = work_dir();
  fs::path run_dir = dir.path() / "run";
  fs::path stack_file = run_dir / "stack.json";
  proc::CommandResult up;

  explicit UpStack(std::vector<std::string> flags = {}) {
    std::vector<std::string> args = {"up", "--run-dir", run_dir.string(), "--ttl", "900"};
    args.insert(args.end(), flags.begin(), flags.end());
    up = harness(args, dir.path());
  }
  ~UpStack() {
    harness({"down", "--run-dir", run_dir.string()}, dir.path());
    try {
      if (fs::exists(stack_file)) SupervisedStack::attach(stack_file)->stop();
    } catch (...) {
    }
  }
};

// What the stack's MCP servers logged about failures (a tool's or a login's), for a failing
// test's message: the run dir is gone once the test ends.
std::string server_failures(const fs::path& run_dir) {
  std::string lines;
  std::size_t count = 0;
  for (const auto& entry : fs::directory_iterator(run_dir)) {
    const std::string name = entry.path().filename().string();
    if (!name.ends_with("-mcp.log")) continue;
    std::ifstream in(entry.path());
    for (std::string line; std::getline(in, line) && count < 40;) {
      if (line.find("failed") == std::string::npos && line.find("cannot") == std::string::npos) continue;
      lines += name + ": " + line + "\n";
      ++count;
    }
  }
  return lines.empty() ? "(the MCP servers logged no failure)" : "the MCP servers logged:\n" + lines;
}

// The lines of `output` that start with `prefix`.
std::vector<std::string> lines_starting_with(const std::string& output, const std::string& prefix) {
  std::vector<std::string> lines;
  std::istringstream in(output);
  for (std::string line; std::getline(in, line);) {
    if (line.rfind(prefix, 0) == 0) lines.push_back(line);
  }
  return lines;
}

TEST(RunCommandTest, RunsAFamilyOnItsOwnStackAndWritesReportsWithoutSecrets) {
  const proc::TempDir dir = work_dir();
  const fs::path junit = dir.path() / "junit.xml", html = dir.path() / "report.html", traces = dir.path() / "traces";
  const auto run = harness({"run", "--family", "isolation", "--junit", junit.string(), "--html", html.string(),
                            "--traces", traces.string()},
                           dir.path());
  ASSERT_EQ(run.exit_code, 0) << run.output;
  EXPECT_THAT(run.output, HasSubstr("stack: starting a local stack for this run"));
  EXPECT_THAT(run.output, HasSubstr("stack: stopping the local stack of this run"));

  const ScenarioFile isolation = scenario_file("isolation");
  ASSERT_GE(isolation.scenarios.size(), 2u);
  const std::size_t count = isolation.scenarios.size();
  EXPECT_EQ(lines_starting_with(run.output, "[").size(), count) << run.output;  // one line per scenario
  for (const Scenario& scenario : isolation.scenarios) {
    EXPECT_THAT(run.output, HasSubstr("[isolation] " + scenario.name + ": passed (")) << scenario.name;
  }
  EXPECT_THAT(run.output, HasSubstr(std::to_string(count) + " scenarios: " + std::to_string(count) + " passed, 0 failed"));

  const std::string report = read_file(html);
  ASSERT_FALSE(report.empty());
  for (const Scenario& scenario : isolation.scenarios) {
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

// Restores the default action of SIGINT for the children spawned while it lives: a process
// started from a non-interactive shell's background job inherits SIGINT ignored, and exec keeps
// that, which would make the Ctrl-C below a no-op.
class DefaultSigint {
 public:
  DefaultSigint() {
    struct sigaction action {};
    action.sa_handler = SIG_DFL;
    ::sigaction(SIGINT, &action, &saved_);
  }
  ~DefaultSigint() { ::sigaction(SIGINT, &saved_, nullptr); }
  DefaultSigint(const DefaultSigint&) = delete;
  DefaultSigint& operator=(const DefaultSigint&) = delete;

 private:
  struct sigaction saved_ {};
};

bool wait_until(const std::function<bool()>& condition, std::chrono::milliseconds timeout) {
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  while (!condition()) {
    if (std::chrono::steady_clock::now() > deadline) return false;
    std::this_thread::sleep_for(20ms);
  }
  return true;
}

TEST(RunCommandTest, HelpListAndSelectionMistakesNeedNoStack) {
  const proc::TempDir dir = work_dir();
  const auto help = harness({"run", "-h"}, dir.path(), 30s);
  EXPECT_EQ(help.exit_code, 0) << help.output;
  EXPECT_THAT(help.output, HasSubstr("Usage: mcp-harness run [FILES...] [flags]"));
  EXPECT_THAT(help.output, HasSubstr("--list"));

  // --list shows the selection (family, then a pattern) and starts nothing.
  const ScenarioFile rate_limit = scenario_file("rate_limit");
  const auto list = harness({"run", "--list", "--family", "rate-limit"}, dir.path(), 30s);
  EXPECT_EQ(list.exit_code, 0) << list.output;
  EXPECT_THAT(list.output, HasSubstr("rate_limit.yaml"));
  for (const auto& scenario : rate_limit.scenarios) EXPECT_THAT(list.output, HasSubstr("  " + scenario.name + "\n"));
  EXPECT_THAT(list.output, Not(HasSubstr("isolation.yaml")));
  EXPECT_THAT(list.output, Not(HasSubstr("stack:")));
  EXPECT_FALSE(fs::exists(dir.path() / ".mcp-harness"));
  const ScenarioFile isolation = scenario_file("isolation");
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

TEST(RunCommandTest, CtrlCDuringRunLeavesNoProcessAndNoRunDir) {
  const proc::TempDir dir = work_dir();
  proc::ChildProcess run = [&] {
    const DefaultSigint default_sigint;
    proc::SpawnOptions spawn;
    spawn.name = "mcp-harness-run";
    // token_expiry: its scenarios wait seconds for tokens to expire, so the signal lands mid-run.
    spawn.argv = {MCPH_HARNESS_BINARY, "run", "--family", "token_expiry", "--junit", "partial.xml"};
    spawn.working_dir = dir.path().string();
    return proc::ChildProcess::spawn(spawn);
  }();
  run.wait_for_line([](std::string_view line) { return line.rfind("== ", 0) == 0; }, 180s);
  const std::string log = read_file(run.log_path());
  std::smatch supervisor_line, stack_line;
  ASSERT_TRUE(std::regex_search(log, supervisor_line, std::regex(R"(supervisor: pid (\d+), run dir (\S+))"))) << log;
  ASSERT_TRUE(std::regex_search(log, stack_line, std::regex(R"(stack: up, stack file (\S+))"))) << log;
  const pid_t supervisor = std::stoi(supervisor_line[1].str());
  const fs::path run_dir = supervisor_line[2].str();
  const fs::path stack_file = stack_line[1].str();
  EXPECT_EQ(stack_file.parent_path(), run_dir);
  const StackFile stack = StackFile::load(stack_file);
  ASSERT_TRUE(stack.supervisor.has_value());
  EXPECT_EQ(stack.supervisor->pid, supervisor);
  EXPECT_TRUE(stack.supervisor->removes_run_dir);
  std::map<std::string, std::pair<pid_t, std::uint64_t>> processes;  // name → pid, start ticks
  processes["supervisor"] = {supervisor, process_start_ticks(supervisor).value_or(0)};
  for (const auto& [name, service] : stack.services) {
    ASSERT_TRUE(process_alive(service.pid)) << name;
    processes[name] = {service.pid, process_start_ticks(service.pid).value_or(0)};
  }
  // Stops the stack should the command fail to (the handle does not stop it on its own).
  const auto leftover = SupervisedStack::attach(stack_file);
  struct StopLeftover {
    SupervisedStack& stack;
    ~StopLeftover() {
      if (stack.running()) stack.stop();
    }
  } stop_leftover{*leftover};

  // What a terminal's Ctrl-C does: SIGINT to the foreground process group.
  ASSERT_EQ(::kill(-run.pid(), SIGINT), 0);
  EXPECT_TRUE(wait_until([&] { return !run.running(); }, 60s)) << "mcp-harness run still runs after SIGINT";
  const int status = run.stop();
  EXPECT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 130) << "wait status " << status << "\n" << run.last_log_lines();
  // The scenario that was running finished; the others are in the report, skipped.
  const std::string junit = read_file(dir.path() / "partial.xml");
  EXPECT_THAT(junit, HasSubstr("not run: the run was interrupted")) << run.last_log_lines();
  EXPECT_THAT(junit, HasSubstr("<skipped"));

  for (const auto& [name, identity] : processes) {
    const auto process = identity;  // a lambda may not capture a structured binding (C++20)
    EXPECT_TRUE(wait_until([&] { return !process_is(process.first, process.second); }, 60s))
        << name << " (pid " << process.first << ") outlived the interrupted run";
  }
  EXPECT_TRUE(wait_until([&] { return !fs::exists(run_dir); }, 30s)) << run_dir << " was not removed";
}

TEST(RunCommandTest, RunAgainstAnUpStackLeavesItRunning) {
  UpStack stack;
  ASSERT_EQ(stack.up.exit_code, 0) << stack.up.output;
  const StackFile before = StackFile::load(stack.stack_file);
  ASSERT_TRUE(before.supervisor.has_value());

  // "missing-credentials" names the family "missing credentials".
  const auto run = harness({"run", "--family", "missing-credentials", "--stack", stack.stack_file.string()},
                           stack.dir.path());
  EXPECT_EQ(run.exit_code, 0) << run.output;
  EXPECT_THAT(run.output, HasSubstr("stack: " + stack.stack_file.string() + " (local mode)"));
  EXPECT_THAT(run.output, Not(HasSubstr("starting a local stack")));
  EXPECT_THAT(run.output, Not(HasSubstr("stopping")));
  const std::size_t count = scenario_file("missing_credentials").scenarios.size();
  EXPECT_EQ(lines_starting_with(run.output, "[missing_credentials] ").size(), count) << run.output;

  EXPECT_TRUE(process_is(before.supervisor->pid, before.supervisor->start_ticks));
  EXPECT_EQ(StackFile::load(stack.stack_file).to_json(), before.to_json());  // untouched
  const auto status = harness({"status", "--run-dir", stack.run_dir.string()}, stack.dir.path());
  EXPECT_EQ(status.exit_code, 0) << status.output;
  EXPECT_THAT(status.output, HasSubstr("all " + std::to_string(before.services.size()) + " services up"));

  // --run-dir finds the same stack.
  const auto again = harness({"run", "--family", "isolation", "--run-dir", stack.run_dir.string()}, stack.dir.path());
  EXPECT_EQ(again.exit_code, 0) << again.output;
  EXPECT_TRUE(process_is(before.supervisor->pid, before.supervisor->start_ticks));

  const auto down = harness({"down", "--run-dir", stack.run_dir.string()}, stack.dir.path());
  EXPECT_EQ(down.exit_code, 0) << down.output;
  EXPECT_FALSE(process_alive(before.supervisor->pid));
  for (const auto& [name, service] : before.services) EXPECT_FALSE(process_alive(service.pid)) << name;
}

// `up` then `run` runs every scenario file with up's defaults; a stack started without what a
// file needs makes its scenarios errors that name the need and the command that meets it,
// before any step runs (not "token endpoint answered 401" in step 1).
TEST(RunCommandTest, AStackWithoutWhatAFileNeedsNamesTheNeedAndTheCommand) {
  UpStack stack({"--users", "5", "--rate-limit", "0"});
  ASSERT_EQ(stack.up.exit_code, 0) << stack.up.output;
  const auto run = harness({"run", (fs::path(MCPH_SCENARIOS_DIR) / "dynamic_database.yaml").string(),
                            (fs::path(MCPH_SCENARIOS_DIR) / "rate_limit.yaml").string(), "--stack",
                            stack.stack_file.string()},
                           stack.dir.path());
  EXPECT_EQ(run.exit_code, 1) << run.output;
  EXPECT_THAT(run.output, HasSubstr("it needs generated users user0001–user0006, and this stack was provisioned "
                                    "with 5 (start a stack with `mcp-harness up --users 6` or more, up's default "
                                    "provisions 130; or add them to a stack `up` started with `mcp-harness run "
                                    "--provision`)"));
  EXPECT_THAT(run.output, HasSubstr("it needs MCP servers that limit each user to 20 calls per 1000 ms, and"));
  EXPECT_THAT(run.output, HasSubstr("limits nothing (start a stack with `mcp-harness up --rate-limit 20 "
                                    "--rate-window-ms 1000`, up's default)"));
  EXPECT_THAT(run.output, Not(HasSubstr("token endpoint answered")));
}

// `run --provision` gives a stack `up` started the generated users a file needs beyond its own:
// in Keycloak and Vault, and in the backends, which read the replaced secrets file again — the
// scenario's Jira call is made with the new user's own credential. The stack file then counts
// them, so the next run needs no --provision.
TEST(RunCommandTest, RunProvisionAddsTheGeneratedUsersAFileNeeds) {
  UpStack stack({"--users", "5", "--rate-limit", "0"});
  ASSERT_EQ(stack.up.exit_code, 0) << stack.up.output;
  const std::vector<std::string> disabled_user_case = {
      "run", (fs::path(MCPH_SCENARIOS_DIR) / "jwt_attacks.yaml").string(), "--scenario",
      "a disabled user's token is accepted by a server holding a session for the user, until its exp", "--stack",
      stack.stack_file.string()};
  const auto without = harness(disabled_user_case, stack.dir.path());
  EXPECT_EQ(without.exit_code, 1) << without.output;
  EXPECT_THAT(without.output, HasSubstr("it needs generated users user0001–user0012, and this stack was provisioned with 5"));
  EXPECT_EQ(StackFile::load(stack.stack_file).generated_users, 5);

  auto with_provision = disabled_user_case;
  with_provision.push_back("--provision");
  const auto provisioned = harness(with_provision, stack.dir.path());
  EXPECT_EQ(provisioned.exit_code, 0) << provisioned.output << server_failures(stack.run_dir);
  EXPECT_THAT(provisioned.output, HasSubstr("adding generated users user0006–user0012 (the files to run need 12, the stack has 5)"));
  EXPECT_THAT(provisioned.output, HasSubstr("[stack_configuration] the stack is configured as its fixtures describe: passed"));
  EXPECT_THAT(provisioned.output, HasSubstr("2 scenarios: 2 passed"));
  EXPECT_EQ(StackFile::load(stack.stack_file).generated_users, 12);
  EXPECT_TRUE(Json::parse(read_file(stack.run_dir / "secrets.json")).contains("user0012"));
  EXPECT_EQ(fs::status(stack.run_dir / "secrets.json").permissions() & fs::perms::all, fs::perms::owner_read | fs::perms::owner_write);

  const auto again = harness(disabled_user_case, stack.dir.path());
  EXPECT_EQ(again.exit_code, 0) << again.output;
  EXPECT_THAT(again.output, Not(HasSubstr("adding generated users")));
}

// A stack changed between `up` and `run` is reported as it is, never repaired: an extra policy
// on Vault's role, a policy's text, another user's subject on alice's entity. `--provision`
// writes the fixtures' configuration when asked, and the next run finds nothing.
TEST(RunCommandTest, RunNamesTheDriftOfAStackAndRepairsNothing) {
  UpStack stack({"--users", "2"});
  ASSERT_EQ(stack.up.exit_code, 0) << stack.up.output;
  const StackFile file = StackFile::load(stack.stack_file);
  vault::Client vault(file.service("vault").url);
  const std::string token = file.service("vault").vault.token;
  const auto write = [&](const std::string& path, const Json& body) {
    const auto response = vault.request("POST", path, token, body.dump());
    ASSERT_LT(response.status, 300) << path << ": " << response.body;
  };
  const auto read = [&](const std::string& path) { return Json::parse(vault.request("GET", path, token).body)["data"]; };
  Json role = read("auth/jwt/role/user");
  role["token_policies"] = Json::array({"user-secrets", "read-everything"});
  write("auth/jwt/role/user", role);
  write("sys/policies/acl/user-secrets", {{"policy", "path \"secret/*\" { capabilities = [\"read\"] }"}});
  const Json alice = read("identity/entity/name/alice");
  const Json bob = read("identity/entity/name/bob");
  const Json alias = bob["aliases"][0];
  // Vault takes one alias per mount on an entity: alice's own goes first.
  ASSERT_LT(vault.request("DELETE", "identity/entity-alias/id/" + alice["aliases"][0]["id"].get<std::string>(), token).status, 300);
  write("identity/entity-alias/id/" + alias["id"].get<std::string>(),
        {{"name", alias["name"]}, {"mount_accessor", alias["mount_accessor"]}, {"canonical_id", alice["id"]}});
  // In Keycloak: tokens that live an hour, and a user left disabled.
  const ProvisionTarget target = provision_target(file);
  KeycloakAdmin keycloak(target.keycloak_url, target.keycloak_admin_user, target.keycloak_admin_password);
  keycloak.update_realm(target.realm, {{"accessTokenLifespan", 3600}});
  keycloak.set_user_enabled(target.realm, keycloak.find_user(target.realm, "carol")->value("id", ""), false);

  const auto run = harness({"run", "--family", "isolation", "--stack", stack.stack_file.string()}, stack.dir.path());
  EXPECT_EQ(run.exit_code, 1) << run.output;
  EXPECT_THAT(run.output, HasSubstr("failed: stack_configuration — the stack is configured as its fixtures describe"));
  EXPECT_THAT(run.output, HasSubstr(R"(token_policies: ["user-secrets"] expected, ["user-secrets","read-everything"] found)"));
  EXPECT_THAT(run.output, HasSubstr("Vault policy user-secrets"));
  EXPECT_THAT(run.output, HasSubstr("an alias on jwt/ for another subject (" + alias["name"].get<std::string>()));
  EXPECT_THAT(run.output, HasSubstr("Vault entity bob"));
  EXPECT_THAT(run.output, HasSubstr("no alias on jwt/ for the user's subject"));
  EXPECT_THAT(run.output, HasSubstr("Keycloak realm " + target.realm));
  EXPECT_THAT(run.output, HasSubstr("accessTokenLifespan: 300 expected, 3600 found"));
  EXPECT_THAT(run.output, HasSubstr("Keycloak user carol"));
  EXPECT_THAT(run.output, HasSubstr("enabled: true expected, false found"));
  EXPECT_EQ(read("auth/jwt/role/user")["token_policies"], (Json{"user-secrets", "read-everything"})) << "run repaired the role";

  // The operator moves bob's alias back and deletes the policy. --provision creates what is
  // missing (alice's alias, the policy) and leaves what differs (the role) as it is, so the check
  // still names it: provisioning hides nothing.
  write("identity/entity-alias/id/" + alias["id"].get<std::string>(),
        {{"name", alias["name"]}, {"mount_accessor", alias["mount_accessor"]}, {"canonical_id", bob["id"]}});
  ASSERT_LT(vault.request("DELETE", "sys/policies/acl/user-secrets", token).status, 300);
  const auto provisioned = harness({"run", "--family", "isolation", "--stack", stack.stack_file.string(), "--provision"},
                                   stack.dir.path());
  EXPECT_EQ(provisioned.exit_code, 1) << provisioned.output;
  EXPECT_THAT(provisioned.output, HasSubstr("changing nothing (--provision)"));
  EXPECT_THAT(provisioned.output, HasSubstr("stack: 2 object(s) created"));
  EXPECT_THAT(provisioned.output, HasSubstr("failed: stack_configuration"));
  EXPECT_THAT(provisioned.output, HasSubstr(R"(token_policies: ["user-secrets"] expected, ["user-secrets","read-everything"] found)"));
  EXPECT_THAT(provisioned.output, Not(HasSubstr("Vault policy user-secrets")));
  EXPECT_THAT(provisioned.output, Not(HasSubstr("Vault entity alice")));
  EXPECT_EQ(read("auth/jwt/role/user")["token_policies"], (Json{"user-secrets", "read-everything"}))
      << "--provision changed the role";
  EXPECT_THAT(read("sys/policies/acl/user-secrets")["policy"].get<std::string>(), HasSubstr("users/{{identity.entity.name}}"));
}

// The same on a Cognito stack: what the servers and Vault depend on there is the pool, its app
// client, its users and Vault's JWT auth trusting that pool. Untouched, it has no drift; a
// password reset to a temporary one (no sign-in works until it is changed) and Vault's JWT config
// bound to another issuer are named.
TEST(RunCommandTest, RunNamesTheDriftOfACognitoStack) {
  UpStack stack({"--idp", "cognito", "--users", "2"});
  ASSERT_EQ(stack.up.exit_code, 0) << stack.up.output;
  const auto untouched = harness({"run", "--family", "isolation", "--stack", stack.stack_file.string()}, stack.dir.path());
  EXPECT_EQ(untouched.exit_code, 0) << untouched.output;
  EXPECT_THAT(untouched.output,
              HasSubstr("[stack_configuration] the stack is configured as its fixtures describe: passed"));
  const StackFile file = StackFile::load(stack.stack_file);
  const IdentityProviderFields& pool = file.service("cognito").idp;
  vault::Client vault(file.service("vault").url);
  const std::string token = file.service("vault").vault.token;
  const Json config = Json::parse(vault.request("GET", "auth/jwt/config", token).body)["data"];
  const Json other_issuer = {{"jwks_url", config["jwks_url"]},
                             {"bound_issuer", pool.issuer + "-other"},
                             {"jwt_supported_algs", Json::array({"RS256"})}};
  ASSERT_LT(vault.request("POST", "auth/jwt/config", token, other_issuer.dump()).status, 300);
  http::Client cognito(file.service("cognito").url);
  const auto reset = cognito.post("/", Json{{"UserPoolId", pool.pool_id}, {"Username", "bob"}, {"Password", "Temp-pw-12345"},
                                            {"Permanent", false}}.dump(),
                                  "application/x-amz-json-1.1",
                                  {{"X-Amz-Target", "AWSCognitoIdentityProviderService.AdminSetUserPassword"}});
  ASSERT_EQ(reset.status, 200) << reset.body;

  const auto run = harness({"run", "--family", "isolation", "--stack", stack.stack_file.string()}, stack.dir.path());
  EXPECT_EQ(run.exit_code, 1) << run.output;
  EXPECT_THAT(run.output, HasSubstr("failed: stack_configuration — the stack is configured as its fixtures describe"));
  EXPECT_THAT(run.output, HasSubstr("Cognito user bob"));
  EXPECT_THAT(run.output, HasSubstr("UserStatus FORCE_CHANGE_PASSWORD (CONFIRMED expected"));
  EXPECT_THAT(run.output, HasSubstr("Vault jwt config (JWKS of Cognito pool " + pool.pool_id + ")"));
  EXPECT_THAT(run.output, HasSubstr("bound_issuer"));
  EXPECT_THAT(run.output, Not(HasSubstr("Cognito user alice")));
  EXPECT_THAT(run.output, Not(HasSubstr("Cognito app client")));
  EXPECT_THAT(run.output, Not(HasSubstr("Vault entity")));  // each user's sub read back: their aliases are theirs
}

// up's defaults are what every scenario file needs (its generated users, the rate limit). A
// file's needs are checked before any of its scenarios runs, so the first scenario of each file,
// run on a stack `up` started with its defaults, shows it; the scenario suites run every
// scenario on such a stack (scenario_stack_up), so running them all here again proves nothing more.
// The run acts as worker 0 of 4: its load step takes a quarter of the load file's users, calls
// and connections (and one of its probe users), enough to show the file runs on these defaults.
// The whole load is the load family's, which runs alone; run here beside ctest's other jobs, its
// 48 concurrent calls once kept the stand-in Vault from answering within the servers' 3 s.
TEST(RunCommandTest, UpWithItsDefaultsRunsEveryScenarioFile) {
  UpStack stack;
  ASSERT_EQ(stack.up.exit_code, 0) << stack.up.output;
  std::vector<std::string> args = {"run", "--stack", stack.stack_file.string(), "--shard", "0/4", "--shard-out",
                                   (stack.dir.path() / "shard").string()};
  std::vector<std::string> suites;
  for (const auto& entry : fs::directory_iterator(MCPH_SCENARIOS_DIR)) {
    if (entry.path().extension() != ".yaml") continue;
    const ScenarioFile file = load_scenario_file(entry.path());
    args.insert(args.end(), {entry.path().string(), "--scenario", file.scenarios.front().name});
    suites.push_back(file.suite);
  }
  ASSERT_GE(suites.size(), 10u);
  const auto run = harness(args, stack.dir.path());
  EXPECT_EQ(run.exit_code, 0) << run.output << server_failures(stack.run_dir);
  // Only the Cognito file is skipped: it is about a stack whose identity provider is Cognito.
  // Every other file runs, the workload design's too (scripts/bootstrap installs their OPA).
  EXPECT_THAT(run.output, Not(HasSubstr("the stack has no"))) << run.output;
  EXPECT_THAT(run.output, HasSubstr(" 0 failed, 0 broken, 1 skipped"));
  EXPECT_THAT(run.output, HasSubstr("this stack's is keycloak (mcp-harness up --idp cognito)"));
  EXPECT_THAT(run.output, HasSubstr("load: 30 users and 1 probe users"));
  for (const auto& suite : suites) EXPECT_FALSE(lines_starting_with(run.output, "[" + suite + "] ").empty()) << suite;
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
  EXPECT_EQ(authorization_server.exit_code, 0) << authorization_server.output;
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
  EXPECT_EQ(jwt_attacks.exit_code, 0) << jwt_attacks.output;
  EXPECT_THAT(jwt_attacks.output, HasSubstr("nothing of family jwt-attacks applies to this stack: not applicable: it needs keycloak"));
  EXPECT_THAT(jwt_attacks.output, HasSubstr("and the stack file has no keycloak entry"));
  EXPECT_THAT(jwt_attacks.output, HasSubstr("it acts through static_jwt"));
  EXPECT_THAT(jwt_attacks.output, HasSubstr(" passed, 0 failed, 0 broken, "));
  EXPECT_THAT(jwt_attacks.output, HasSubstr("scenarios: 0 passed"));
}

}  // namespace
}  // namespace mcph::harness
