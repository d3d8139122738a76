#include "run_summary.h"

#include <map>

#include "mcph/reports/taxonomy.h"

namespace mcph::harness::cli {
namespace {

// "2 error, 1 warning": the findings of a failed or broken scenario by their level, error first.
std::string by_level(const reports::RunReport& report) {
  std::map<std::string_view, int> counts;
  for (const auto& suite : report.suites) {
    for (const auto& scenario : suite.scenarios) {
      for (const auto& finding : scenario.findings) {
        if (!finding.bounded()) ++counts[reports::level(finding)];
      }
    }
  }
  std::string out;
  for (const std::string_view level : {"error", "warning", "note"}) {
    if (counts[level] == 0) continue;
    out += (out.empty() ? "" : ", ") + std::to_string(counts[level]) + " " + std::string(level);
  }
  return out;
}

}  // namespace

std::string run_summary(const reports::RunReport& report) {
  using Status = reports::ScenarioResult::Status;
  std::string out;
  if (const reports::FindingCounts findings = report.finding_counts(); findings.findings > 0) {
    out += "  findings: " + to_string(findings) + "\n";
    if (const std::string levels = by_level(report); !levels.empty()) out += "  findings by level: " + levels + "\n";
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
        const std::string_view level = reports::level(finding);
        out += "      " + (level == "error" ? std::string() : std::string(level) + " ") + "finding on " + finding.server + ": " + finding.property + " (" + finding.evidence + ")\n";
      }
      for (const auto& undecided : reports::undecided_checks(scenario)) out += "      cannot tell: " + undecided + "\n";
      // An inconclusive scenario's message only repeats its first undecided check, when it has one;
      // else (a step not reached, a control step failed) it is the reason.
      const bool repeats = reports::is_inconclusive(scenario) && !reports::undecided_checks(scenario).empty();
      if (!scenario.message.empty() && !repeats) out += "      " + scenario.message + "\n";
    }
  }
  return out;
}

int run_exit_code(const reports::RunReport& report) {
  const reports::Counts counts = report.counts();
  if (counts.failures > 0 || counts.errors > counts.inconclusive) return 1;
  return counts.inconclusive > 0 ? 4 : 0;
}

}  // namespace mcph::harness::cli
