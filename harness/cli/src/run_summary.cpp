#include "run_summary.h"

namespace mcph::harness::cli {

std::string run_summary(const reports::RunReport& report) {
  using Status = reports::ScenarioResult::Status;
  std::string out;
  if (const reports::FindingCounts findings = report.finding_counts(); findings.findings > 0) {
    out += "  findings: " + to_string(findings) + "\n";
  }
  for (const auto& suite : report.suites) {
    for (const auto& scenario : suite.scenarios) {
      const std::string named = suite.name + " — " + scenario.name;
      if (scenario.status == Status::passed) {
        for (const auto& finding : scenario.findings) {  // bounded ones: what a pass still shows
          out += "  bounded finding: " + named + "\n      on " + finding.server + ": " + finding.property + ", " +
                 finding.bound + "\n";
        }
      }
      if (scenario.status != Status::failed && scenario.status != Status::error) continue;
      out += "  " + reports::status_text(scenario) + ": " + named + "\n";
      for (const auto& failure : scenario.failures) {
        out += "      step " + failure.step + "\n        expected " + failure.expectation + "\n        actual   " +
               failure.actual + "\n";
      }
      for (const auto& finding : scenario.findings) {
        out += "      finding on " + finding.server + ": " + finding.property + " (" + finding.evidence + ")\n";
      }
      for (const auto& undecided : reports::undecided_checks(scenario)) out += "      cannot tell: " + undecided + "\n";
      // An inconclusive scenario's message only repeats its first undecided check.
      if (!scenario.message.empty() && !reports::is_inconclusive(scenario)) out += "      " + scenario.message + "\n";
    }
  }
  return out;
}

}  // namespace mcph::harness::cli
