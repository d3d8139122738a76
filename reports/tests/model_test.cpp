// The counts every report and the terminal give: scenarios by status, findings by property.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "mcph/reports/model.h"

namespace mcph::reports {
namespace {

ScenarioResult scenario_with(ScenarioResult::Status status, std::string message = "") {
  ScenarioResult scenario;
  scenario.status = status;
  scenario.message = std::move(message);
  return scenario;
}

TEST(Counts, InconclusiveScenariosAreNamedApartFromBrokenOnes) {
  SuiteResult suite;
  suite.scenarios = {scenario_with(ScenarioResult::Status::passed), scenario_with(ScenarioResult::Status::failed),
                     scenario_with(ScenarioResult::Status::error, "the stack went away"),
                     scenario_with(ScenarioResult::Status::error, "inconclusive: 1: alice calls jira.get_issue: …"),
                     scenario_with(ScenarioResult::Status::skipped)};
  RunReport report;
  report.suites = {suite};
  EXPECT_EQ(to_string(report.counts()), "5 scenarios: 1 passed, 1 failed, 1 broken, 1 inconclusive, 1 skipped");
  report.suites[0].scenarios.pop_back();
  report.suites[0].scenarios.erase(report.suites[0].scenarios.begin() + 3);
  EXPECT_EQ(to_string(report.counts()), "3 scenarios: 1 passed, 1 failed, 1 broken, 0 skipped");
  EXPECT_EQ(status_text(suite.scenarios[3]), "inconclusive");
  EXPECT_EQ(status_text(suite.scenarios[2]), "error");
}

TEST(FindingCounts, APropertyBrokenInManyScenariosCountsOnce) {
  RunReport report;
  SuiteResult suite;
  for (const char* server : {"jira-mcp", "github-mcp", "jira-mcp"}) {
    ScenarioResult scenario = scenario_with(ScenarioResult::Status::failed);
    scenario.findings = {{server, "accepts-token-it-must-refuse", "accepts a token it must refuse", "1: x", "", {}, {}, {}},
                         {server, "wrong-error-status", "answers with the wrong error status", "2: x", "", {}, {}, {}}};
    suite.scenarios.push_back(scenario);
  }
  suite.scenarios.push_back(scenario_with(ScenarioResult::Status::passed));
  report.suites = {suite};
  const FindingCounts counts = report.finding_counts();
  EXPECT_EQ(counts.properties, 2);
  EXPECT_EQ(counts.findings, 6);
  EXPECT_EQ(counts.scenarios, 3);
  EXPECT_EQ(counts.servers, 2);
  EXPECT_EQ(to_string(counts), "2 properties broken (6 findings in 3 scenarios) on 2 servers");
}

TEST(UndecidedChecks, EveryInconclusiveCheckWithItsStepInOrder) {
  ScenarioResult scenario;
  StepRecord first;
  first.title = "1: alice calls jira.get_issue";
  first.checks = {{"ok: true", Check::Verdict::held, "HTTP 200", ""},
                  {"vault_audit: own_paths_only", Check::Verdict::inconclusive, "3 entries of other traces", ""}};
  StepRecord second;
  second.title = "2: bob calls jira.get_issue";
  second.checks = {{"backend_credential_of: bob", Check::Verdict::inconclusive, "no trace id", ""}};
  scenario.steps = {first, second};
  EXPECT_THAT(undecided_checks(scenario),
              ::testing::ElementsAre("1: alice calls jira.get_issue: vault_audit: own_paths_only — 3 entries of other traces",
                                     "2: bob calls jira.get_issue: backend_credential_of: bob — no trace id"));
}

}  // namespace
}  // namespace mcph::reports
