#pragma once
// The verdicts of scenario files run against a server started with a sabotage switch, one
// Outcome per scenario, and the check that the switch turns red exactly the scenarios that show
// its defect, each with a finding of its property on the switched server, and nothing else.
// Compiled into each test that uses it, with its MCPH_SCENARIOS_DIR.
#include <map>
#include <set>
#include <string>
#include <vector>

#include "mcph/harness/scenario/scenario_loader.h"
#include "mcph/harness/scenario/scenario_runner.h"

namespace mcph::harness::scenario {

struct Outcome {
  std::string suite, scenario;
  reports::ScenarioResult::Status status;
  std::string message;
  std::vector<reports::Finding> findings;
  std::vector<reports::Failure> failures;

  std::string name() const { return suite + " / " + scenario; }  // how the tests name a scenario
  // The findings that fail a scenario: a bounded one (a signed-out user's token accepted until
  // its exp by a server holding a session) is reported beside a pass.
  std::vector<reports::Finding> unbounded_findings() const;
  std::string why() const;  // the name, the message, each failed step and each finding
};

// One scenario's verdict as an Outcome of `suite`.
Outcome outcome_of(const std::string& suite, const reports::ScenarioResult& result);
// The scenario file of `suite` (scenarios/<suite>.yaml).
ScenarioFile scenario_family(const std::string& suite);
// Every scenario of each of `suites`, run by `runner`.
std::vector<Outcome> run_suites(ScenarioRunner& runner, const std::vector<std::string>& suites);
// The scenarios of `suite` named in `only` (all when empty), run by `runner`.
std::vector<Outcome> run_scenarios(ScenarioRunner& runner, const std::string& suite, const std::vector<std::string>& only);

struct RedVerdicts {
  std::string flag;    // the switch, for the messages
  std::string server;  // the service every finding must name
  std::map<std::string, std::string> red;  // suite / scenario → the property its finding names
  std::set<std::string> also;              // further properties a red scenario's findings may name
  // suite / scenario → words of its message: it may instead end inconclusive, when the same
  // defect keeps its own check from deciding.
  std::map<std::string, std::string> undecided;
};

// Each scenario of `expected.red` fails with findings of its property (or of `also`) on the
// server; every other scenario passes (or ends as `undecided` allows).
void expect_red_exactly(const std::vector<Outcome>& outcomes, const RedVerdicts& expected);

}  // namespace mcph::harness::scenario
