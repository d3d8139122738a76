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

}  // namespace mcph::harness::cli
