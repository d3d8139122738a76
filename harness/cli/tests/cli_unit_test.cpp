// The parts of mcp-harness that need no stack: which scenarios a run selects, colour, the
// stack's progress lines, purging a run directory.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <set>
#include <string>
#include <vector>

#include "mcph/harness/stack/supervised_stack.h"
#include "mcph/proc/temp_dir.h"
#include "configuration_check.h"
#include "run_summary.h"
#include "scenario_selection.h"
#include "stack_identity.h"
#include "stack_progress.h"
#include "terminal.h"

namespace mcph::harness::cli {
namespace {

namespace fs = std::filesystem;
using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::Not;

std::string scenarios(const std::string& stem) { return std::string(MCPH_SOURCE_SCENARIOS_DIR) + "/" + stem + ".yaml"; }

std::string selection_error(const std::vector<std::string>& files, const std::vector<std::string>& families,
                            const std::vector<std::string>& patterns) {
  try {
    (void)select_scenarios(files, families, patterns);
  } catch (const SelectionError& e) {
    return e.what();
  }
  return "";
}

TEST(ScenarioSelection, SubstringsAndGlobsIgnoringCase) {
  EXPECT_TRUE(scenario_matches("jira", "alice reads a Jira issue"));
  EXPECT_FALSE(scenario_matches("github", "alice reads a Jira issue"));
  EXPECT_TRUE(scenario_matches("alice*issue", "alice reads a Jira issue"));
  EXPECT_FALSE(scenario_matches("alice*", "bob reads alice's issue"));  // a glob matches the whole name
  EXPECT_TRUE(scenario_matches("?ob *", "bob has no Jira credential"));
  EXPECT_TRUE(scenario_matches("[ab]lice*", "Alice reads"));
}

TEST(ScenarioSelection, EveryFileByDefaultNarrowedByFamilyAndPattern) {
  const Selection all = select_scenarios({}, {}, {});
  EXPECT_GE(all.files.size(), 7u);
  std::size_t total = 0;
  for (const auto& file : all.files) total += file.scenarios.size();
  EXPECT_EQ(all.scenario_count(), total);

  // "rate-limit", "rate_limit" and "Rate limit" name one family: the users' and the agent
  // workloads' files.
  for (const std::string family : {"rate-limit", "rate_limit", "Rate limit"}) {
    const Selection rate = select_scenarios({}, {family}, {});
    ASSERT_EQ(rate.files.size(), 2u) << family;
    std::set<std::string> suites;
    for (const auto& file : rate.files) suites.insert(file.suite);
    EXPECT_EQ(suites, (std::set<std::string>{"rate_limit", "workload_rate_limit"})) << family;
  }

  const Selection some = select_scenarios({scenarios("isolation")}, {}, {"*GITHUB*"});
  ASSERT_EQ(some.files.size(), 1u);
  ASSERT_FALSE(some.only[0].empty());
  for (const auto& name : some.only[0]) EXPECT_TRUE(scenario_matches("*github*", name)) << name;
  EXPECT_LT(some.only[0].size(), some.files[0].scenarios.size());
}

TEST(ScenarioSelection, MistakesSayWhatIsThere) {
  const std::string unknown_family = selection_error({}, {"isolaton"}, {});
  EXPECT_THAT(unknown_family, HasSubstr("no scenario file of family 'isolaton'"));
  EXPECT_THAT(unknown_family, HasSubstr("isolation"));
  EXPECT_THAT(unknown_family, HasSubstr("rate_limit"));
  EXPECT_THAT(selection_error({}, {}, {"no such scenario at all"}),
              HasSubstr("no scenario matches \"no such scenario at all\""));
  EXPECT_EQ(selection_error({"missing.yaml"}, {}, {}), "missing.yaml: no such file");
  EXPECT_THAT(selection_error({MCPH_SOURCE_SCENARIOS_DIR}, {}, {}), HasSubstr("is a directory"));
}

TEST(Terminal, ColoursTheStatusOnlyWhereAPersonLooks) {
  EXPECT_EQ(coloured_status("[isolation] a: passed (12 ms)"), "[isolation] a: \033[32mpassed\033[0m (12 ms)");
  // The line's own status, not a word in the failure text after it.
  EXPECT_EQ(coloured_status("[s] b: failed (1 ms) — ok: error: boom"), "[s] b: \033[31mfailed\033[0m (1 ms) — ok: error: boom");
  EXPECT_EQ(coloured_status("== scenarios/x.yaml"), "== scenarios/x.yaml");
  ::setenv("NO_COLOR", "1", 1);
  EXPECT_FALSE(colour_enabled(stdout));
  ::unsetenv("NO_COLOR");
  std::FILE* file = std::tmpfile();
  ASSERT_NE(file, nullptr);
  EXPECT_FALSE(colour_enabled(file));  // a file is no terminal
  std::fclose(file);
}

TEST(Terminal, ColoursAnInconclusiveStatusApartFromAnError) {
  EXPECT_EQ(coloured_status("[s] c: inconclusive (3 ms) — inconclusive: 1: x"),
            "[s] c: \033[35minconclusive\033[0m (3 ms) — inconclusive: 1: x");
}

reports::RunReport report_of(std::vector<reports::ScenarioResult> scenarios) {
  reports::SuiteResult suite;
  suite.name = "isolation";
  suite.scenarios = std::move(scenarios);
  reports::RunReport report;
  report.suites = {suite};
  return report;
}

// A finding fails the run (1) whatever else happened; a run whose only undecided scenarios are
// inconclusive exits 4, apart from a finding; broken ones count as failures; skips never count.
TEST(RunExitCode, SeparatesFindingsFromWhatTheHarnessCouldNotDecide) {
  using Status = reports::ScenarioResult::Status;
  const auto scenario = [](Status status, std::string message = {}) {
    reports::ScenarioResult result;
    result.name = "s";
    result.status = status;
    result.message = std::move(message);
    return result;
  };
  const auto inconclusive = [&] { return scenario(Status::error, "inconclusive: step 1 was not reached: 404"); };
  EXPECT_EQ(run_exit_code(report_of({scenario(Status::passed), scenario(Status::skipped)})), 0);
  EXPECT_EQ(run_exit_code(report_of({scenario(Status::passed), inconclusive()})), 4);
  EXPECT_EQ(run_exit_code(report_of({inconclusive(), scenario(Status::failed)})), 1);
  EXPECT_EQ(run_exit_code(report_of({inconclusive(), scenario(Status::error, "the stack did not answer")})), 1);
}

// A run in which every scenario was skipped tested nothing: 5, and the summary says so. The
// stack's configuration check passing beside them is no test of the selection; a finding still
// comes first.
TEST(RunExitCode, NothingRanWhenEveryScenarioSelectedWasSkipped) {
  using Status = reports::ScenarioResult::Status;
  const auto scenario = [](Status status) {
    reports::ScenarioResult result;
    result.name = "s";
    result.status = status;
    return result;
  };
  reports::RunReport report = report_of({scenario(Status::skipped), scenario(Status::skipped)});
  EXPECT_EQ(run_exit_code(report), kExitNothingRan);
  EXPECT_THAT(run_summary(report), HasSubstr("  nothing ran: every scenario selected was skipped"));
  reports::SuiteResult configuration;
  configuration.name = kConfigurationSuite;
  configuration.scenarios = {scenario(Status::passed)};
  report.suites.insert(report.suites.begin(), configuration);
  EXPECT_EQ(run_exit_code(report), kExitNothingRan);
  report.suites[0].scenarios = {scenario(Status::failed)};
  EXPECT_EQ(run_exit_code(report), 1);
  EXPECT_EQ(run_exit_code(report_of({scenario(Status::skipped), scenario(Status::passed)})), 0);
  EXPECT_THAT(run_summary(report_of({scenario(Status::skipped), scenario(Status::passed)})), Not(HasSubstr("nothing ran")));
}

// Under each scenario that did not pass, the command that runs it again, as a shell takes it, and
// its trace's replay when the run kept one.
TEST(RunSummary, SaysHowToRunAFailedScenarioAgain) {
  reports::ScenarioResult failed;
  failed.name = "alice's token is refused";
  failed.status = reports::ScenarioResult::Status::failed;
  failed.trace_file = "traces/jwt attacks.json";
  reports::RunReport report = report_of({failed});
  report.suites[0].file = "scenarios/jwt_attacks.yaml";
  report.stack_file = "/nonexistent/stack.json";  // stopped with its run: no --stack
  EXPECT_THAT(run_summary(report), HasSubstr("      again: mcp-harness run 'scenarios/jwt_attacks.yaml' --scenario "
                                             "'alice'\\''s token is refused'\n"
                                             "      replay: mcp-harness replay 'traces/jwt attacks.json'\n"));
  report.stack_file = MCPH_SOURCE_SCENARIOS_DIR "/isolation.yaml";  // any file that exists
  EXPECT_THAT(run_summary(report), HasSubstr("--scenario 'alice'\\''s token is refused' --stack '" MCPH_SOURCE_SCENARIOS_DIR "/isolation.yaml'\n"));
}

// The again command carries the run's seed, which repeats its faults' draws; in a shuffled run
// it runs the whole file with --shuffle, so the scenarios before the failed one run before it again.
TEST(RunSummary, TheAgainCommandCarriesTheSeedAndTheShuffle) {
  reports::ScenarioResult failed;
  failed.name = "second";
  failed.status = reports::ScenarioResult::Status::failed;
  reports::RunReport report = report_of({failed});
  report.suites[0].file = "scenarios/order.yaml";
  report.seed = "18446744073709551615";
  EXPECT_THAT(run_summary(report),
              HasSubstr("      again: mcp-harness run 'scenarios/order.yaml' --scenario 'second' --seed 18446744073709551615\n"));
  report.shuffled = true;
  EXPECT_THAT(run_summary(report),
              HasSubstr("      again: mcp-harness run 'scenarios/order.yaml' --seed 18446744073709551615 --shuffle\n"));
}

// A failed scenario whose every finding a baseline accepts does not fail the run; one new finding
// beside an accepted one does; a stale entry fails it only when the baseline is strict.
TEST(RunExitCode, CountsOnlyFindingsNoBaselineAccepts) {
  reports::ScenarioResult failed;
  failed.name = "s";
  failed.status = reports::ScenarioResult::Status::failed;
  failed.findings = {{"jira-mcp", "accepts-token-it-must-refuse", "x", "1: x", "e", {}, {}, "by me: known"},
                     {"github-mcp", "accepts-token-it-must-refuse", "x", "1: x", "e", {}, {}, "by me: known"}};
  reports::RunReport report = report_of({failed});
  report.baseline = reports::BaselineUse{"baseline.json", 2, {}, {}};
  EXPECT_EQ(run_exit_code(report), 0);
  EXPECT_THAT(run_summary(report), HasSubstr("  accepted: isolation — s\n"));
  report.baseline->stale = {"baseline.json: accepted[2]: MCPH801 on jira-mcp in \"a / b\""};
  EXPECT_EQ(run_exit_code(report), 0);
  EXPECT_EQ(run_exit_code(report, true), 1);
  EXPECT_THAT(run_summary(report), HasSubstr("    stale, no finding matches it: baseline.json: accepted[2]: MCPH801"));
  report.suites[0].scenarios[0].findings[1].accepted.clear();
  EXPECT_EQ(run_exit_code(report), 1);
}

// The terminal says what the HTML says: every check the harness could not decide, with its step,
// under the scenario it left inconclusive, and beside the failures of a scenario that failed.
TEST(RunSummary, ShowsEveryInconclusiveCheckWithItsReason) {
  reports::ScenarioResult undecided;
  undecided.name = "alice reads only her secret";
  undecided.status = reports::ScenarioResult::Status::error;
  undecided.message = "inconclusive: 1: alice calls jira.get_issue: vault_audit: own_paths_only — 3 entries (+1 more)";
  reports::StepRecord step;
  step.title = "1: alice calls jira.get_issue";
  step.checks = {{"vault_audit: own_paths_only", reports::Check::Verdict::inconclusive, "3 entries", ""},
                 {"backend_credential_of: alice", reports::Check::Verdict::inconclusive, "no trace id", ""}};
  undecided.steps = {step};
  const std::string summary = run_summary(report_of({undecided}));
  EXPECT_THAT(summary, HasSubstr("  inconclusive: isolation — alice reads only her secret\n"
                                 "      cannot tell: 1: alice calls jira.get_issue: vault_audit: own_paths_only — 3 entries\n"
                                 "      cannot tell: 1: alice calls jira.get_issue: backend_credential_of: alice — no trace id\n"));
  EXPECT_THAT(summary, Not(HasSubstr("(+1 more)")));
}

// 36 findings of 11 properties are 11 properties broken, and the count says so.
TEST(RunSummary, CountsDistinctPropertiesAndTheScenariosShowingThem) {
  std::vector<reports::ScenarioResult> scenarios;
  for (const char* name : {"a", "b", "c"}) {
    reports::ScenarioResult failed;
    failed.name = name;
    failed.status = reports::ScenarioResult::Status::failed;
    failed.findings = {{"jira-mcp", "accepts-token-it-must-refuse", "accepts a token it must refuse", "1: x", "200 where 401 is due", {}, {}, {}}};
    scenarios.push_back(failed);
  }
  const std::string summary = run_summary(report_of(scenarios));
  EXPECT_THAT(summary, HasSubstr("  findings: 1 property broken (3 findings in 3 scenarios) on 1 server\n"));
  EXPECT_THAT(summary, HasSubstr("  failed: isolation — c\n      finding on jira-mcp: accepts a token it must refuse (200 where 401 is due)\n"));
}

// The findings by level, each that is not an error marked so, and the reason of a scenario left
// inconclusive by a step that was not reached (it has no undecided check to show instead).
TEST(RunSummary, CountsFindingsByLevelAndSaysWhyAScenarioIsInconclusive) {
  reports::ScenarioResult refused;
  refused.name = "a";
  refused.status = reports::ScenarioResult::Status::failed;
  refused.findings = {{"jira-mcp", "accepts-token-it-must-refuse", "accepts a token it must refuse", "1: x", "200 where 401 is due", {}, {}, {}},
                      {"jira-mcp", "refusal-without-challenge", "refuses without the challenge the specifications require", "2: x",
                       "401 without WWW-Authenticate", {}, "warning", {}}};
  reports::ScenarioResult unreached;
  unreached.name = "b";
  unreached.status = reports::ScenarioResult::Status::error;
  unreached.message = "inconclusive: step 1 was not reached: 404 from POST /mcp/rpc — the profile's url or the step's path "
                      "does not describe this server";
  const std::string summary = run_summary(report_of({refused, unreached}));
  EXPECT_THAT(summary, HasSubstr("  findings by level: 1 error, 1 warning\n"));
  EXPECT_THAT(summary, HasSubstr("      warning finding on jira-mcp: refuses without the challenge the specifications require "
                                 "(401 without WWW-Authenticate)\n"));
  EXPECT_THAT(summary, HasSubstr("  inconclusive: isolation — b\n      inconclusive: step 1 was not reached: 404 from POST /mcp/rpc"));
}

TEST(StackIdentity, NamedOnlyWhenTheStackHasOne) {
  stack::StackFile stack = stack::StackFile::parse(R"({"mode": "external", "services": {"foreign-mcp": {"url": "http://127.0.0.1:9/mcp"}}})");
  EXPECT_EQ(identity_provider_of(stack), "") << "a stack without an identity provider names none";
  stack.services["keycloak"].url = "http://127.0.0.1:8080";
  EXPECT_EQ(identity_provider_of(stack), "keycloak");
}

// What stack_progress prints, captured from stdout.
std::string printed(bool verbose, const std::vector<std::string>& lines) {
  std::fflush(stdout);
  testing::internal::CaptureStdout();
  const auto print = stack_progress(verbose);
  for (const auto& line : lines) print(line);
  return testing::internal::GetCapturedStdout();
}

TEST(StackProgress, ProvisioningItemsOnlyWhenVerbose) {
  const std::vector<std::string> lines = {"[  0.100 s] provisioning: Keycloak realm and users",
                                          "[  0.200 s]   + user alice", "[  0.210 s]   + user bob",
                                          "[  0.300 s] stack: up, stack file /x/stack.json"};
  const std::string quiet = printed(false, lines);
  EXPECT_THAT(quiet, Not(HasSubstr("+ user alice")));
  EXPECT_THAT(quiet, HasSubstr("(2 items provisioned; --verbose lists them)"));
  EXPECT_THAT(quiet, HasSubstr("stack: up"));
  const std::string verbose = printed(true, lines);
  EXPECT_THAT(verbose, HasSubstr("+ user alice"));
  EXPECT_THAT(verbose, HasSubstr("+ user bob"));
}

TEST(PurgeRunDir, RemovesOnlyWhatAStackWrites) {
  proc::TempDir temp("mcph-purge-test");
  const fs::path run_dir = temp.path() / "run";
  fs::create_directories(run_dir / "postgres" / "base");
  for (const std::string name : {"stack.json", "jira-mcp.log", "supervisor.log", "vault-audit.log"}) {
    std::ofstream(run_dir / name) << "x";
  }
  std::ofstream(run_dir / "notes.txt") << "a user's own file";
  const auto removed = stack::purge_run_dir(run_dir);
  EXPECT_THAT(removed, testing::IsSupersetOf({"stack.json", "jira-mcp.log", "supervisor.log", "vault-audit.log", "postgres"}));
  EXPECT_TRUE(fs::exists(run_dir / "notes.txt"));
  EXPECT_FALSE(fs::exists(run_dir / "postgres"));

  fs::remove(run_dir / "notes.txt");
  std::ofstream(run_dir / "stack.json") << "x";
  EXPECT_THAT(stack::purge_run_dir(run_dir), ElementsAre("stack.json"));
  EXPECT_FALSE(fs::exists(run_dir)) << "an emptied run directory is removed";
}

}  // namespace
}  // namespace mcph::harness::cli
