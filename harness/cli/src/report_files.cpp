#include "report_files.h"

#include <cstdio>

#include "mcph/reports/html.h"
#include "mcph/reports/junit.h"
#include "mcph/reports/sarif.h"

namespace mcph::harness::cli {

void write_report_files(const reports::RunReport& report, const mcph::cli::Flags& flags) {
  if (!flags.get("junit").empty()) {
    reports::write_junit_file(report, flags.get("junit"));
    std::printf("JUnit report: %s\n", flags.get("junit").c_str());
  }
  if (!flags.get("html").empty()) {
    reports::write_html_file(report, flags.get("html"));
    std::printf("HTML report: %s\n", flags.get("html").c_str());
  }
  if (!flags.get("sarif").empty()) {
    reports::write_sarif_file(report, flags.get("sarif"));
    std::printf("SARIF report: %s\n", flags.get("sarif").c_str());
  }
}

void print_failed_scenarios(const reports::RunReport& report) {
  for (const auto& suite : report.suites) {
    for (const auto& scenario : suite.scenarios) {
      if (scenario.status == reports::ScenarioResult::Status::passed) {
        for (const auto& finding : scenario.findings) {  // bounded ones: what a pass still shows
          std::printf("  bounded finding: %s — %s\n      on %s: %s, %s\n", suite.name.c_str(), scenario.name.c_str(),
                      finding.server.c_str(), finding.property.c_str(), finding.bound.c_str());
        }
      }
      if (scenario.status != reports::ScenarioResult::Status::failed &&
          scenario.status != reports::ScenarioResult::Status::error) {
        continue;
      }
      std::printf("  %s: %s — %s\n", reports::to_string(scenario.status), suite.name.c_str(), scenario.name.c_str());
      for (const auto& failure : scenario.failures) {
        std::printf("      step %s\n        expected %s\n        actual   %s\n", failure.step.c_str(),
                    failure.expectation.c_str(), failure.actual.c_str());
      }
      for (const auto& finding : scenario.findings) {
        std::printf("      finding on %s: %s (%s)\n", finding.server.c_str(), finding.property.c_str(), finding.evidence.c_str());
      }
      if (!scenario.message.empty()) std::printf("      %s\n", scenario.message.c_str());
    }
  }
}

}  // namespace mcph::harness::cli
