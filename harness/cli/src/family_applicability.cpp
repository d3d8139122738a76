#include "family_applicability.h"

#include <algorithm>

#include "mcph/harness/scenario/scenario_runner.h"
#include "mcph/text/join.h"

namespace mcph::harness::cli {

std::string families_not_applicable(const reports::RunReport& report, const Selection& selection,
                                    const std::vector<std::string>& families) {
  std::string out;
  for (const std::string& family : families) {
    std::vector<std::string> reasons;
    bool any = false, all_skipped = true;
    for (const scenario::ScenarioFile& file : selection.files) {
      if (!of_family(file, family)) continue;
      for (const auto& suite : report.suites) {
        if (suite.name != file.suite) continue;
        for (const auto& scenario : suite.scenarios) {
          any = true;
          // An interrupted run's skips say nothing about the stack.
          if (scenario.status != reports::ScenarioResult::Status::skipped || !scenario.message.starts_with("not applicable")) {
            all_skipped = false;
          } else if (std::find(reasons.begin(), reasons.end(), scenario.message) == reasons.end()) {
            reasons.push_back(scenario.message);
          }
        }
      }
    }
    if (any && all_skipped) out += "nothing of family " + family + " applies to this stack: " + text::join(reasons, "; ") + "\n";
  }
  return out;
}

std::string families_not_applicable(const stack::StackFile& stack, const Selection& selection) {
  const scenario::ScenarioRunner runner(stack);
  reports::RunReport report;
  std::vector<std::string> families;
  for (const scenario::ScenarioFile& file : selection.files) {
    if (std::find(families.begin(), families.end(), file.family) == families.end()) families.push_back(file.family);
    reports::SuiteResult suite;
    suite.name = file.suite;
    for (const scenario::Scenario& scenario : file.scenarios) {
      reports::ScenarioResult result;
      result.name = scenario.name;
      // Skipped either way, for nothing ran: a reason that is not "not applicable: …" is one that applies.
      result.status = reports::ScenarioResult::Status::skipped;
      result.message = runner.not_applicable(file, scenario).value_or("applies");
      suite.scenarios.push_back(std::move(result));
    }
    report.suites.push_back(std::move(suite));
  }
  return families_not_applicable(report, selection, families);
}

}  // namespace mcph::harness::cli
