#include "sabotage_verdicts.h"

#include <gtest/gtest.h>

namespace mcph::harness::scenario {

using Status = reports::ScenarioResult::Status;

std::vector<reports::Finding> Outcome::unbounded_findings() const {
  std::vector<reports::Finding> unbounded;
  for (const auto& f : findings) {
    if (!f.bounded()) unbounded.push_back(f);
  }
  return unbounded;
}

std::string Outcome::why() const {
  std::string text = name() + " (" + message + ")";
  for (const auto& f : failures) text += "\n  step " + f.step + ": expected " + f.expectation + ", actual " + f.actual;
  for (const auto& f : findings) text += "\n  finding on " + f.server + ": " + f.property + " — " + f.step + ": " + f.evidence;
  return text;
}

Outcome outcome_of(const std::string& suite, const reports::ScenarioResult& result) {
  return {suite, result.name, result.status, result.message, result.findings, result.failures};
}

ScenarioFile scenario_family(const std::string& suite) {
  return load_scenario_file(std::string(MCPH_SCENARIOS_DIR) + "/" + suite + ".yaml");
}

std::vector<Outcome> run_scenarios(ScenarioRunner& runner, const std::string& suite, const std::vector<std::string>& only) {
  std::vector<Outcome> outcomes;
  for (const auto& result : runner.run(scenario_family(suite), only).scenarios) {
    outcomes.push_back(outcome_of(suite, result));
  }
  return outcomes;
}

std::vector<Outcome> run_suites(ScenarioRunner& runner, const std::vector<std::string>& suites) {
  std::vector<Outcome> outcomes;
  for (const auto& suite : suites) {
    const std::vector<Outcome> ran = run_scenarios(runner, suite, {});
    outcomes.insert(outcomes.end(), ran.begin(), ran.end());
  }
  return outcomes;
}

void expect_red_exactly(const std::vector<Outcome>& outcomes, const RedVerdicts& expected) {
  std::set<std::string> seen;
  for (const auto& outcome : outcomes) {
    const std::string name = outcome.name();
    if (const auto why = expected.undecided.find(name); why != expected.undecided.end() && outcome.status != Status::passed) {
      EXPECT_EQ(outcome.status, Status::error) << "with " << expected.flag << ": " << outcome.why();
      EXPECT_NE(outcome.message.find(why->second), std::string::npos) << "with " << expected.flag << ": " << outcome.why();
      continue;
    }
    const auto due = expected.red.find(name);
    if (due == expected.red.end()) {
      EXPECT_EQ(outcome.status, Status::passed) << "with " << expected.flag << ": " << outcome.why();
      continue;
    }
    seen.insert(name);
    EXPECT_EQ(outcome.status, Status::failed) << expected.flag << " went unnoticed: " << outcome.why();
    EXPECT_FALSE(outcome.findings.empty()) << outcome.why();
    for (const auto& finding : outcome.findings) {
      if (!expected.also.contains(finding.property)) EXPECT_EQ(finding.property, due->second) << outcome.why();
      EXPECT_EQ(finding.server, expected.server) << outcome.why();
    }
  }
  for (const auto& [scenario, property] : expected.red) EXPECT_TRUE(seen.contains(scenario)) << "no scenario " << scenario;
}

}  // namespace mcph::harness::scenario
