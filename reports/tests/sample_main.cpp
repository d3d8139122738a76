// Writes the sample report as HTML (and JUnit XML) to look at while working on the template:
//   reports_sample report.html [report.xml [report.sarif]]
//   reports_sample --taxonomy   prints docs/reports.md's table of rules
#include <exception>
#include <iostream>
#include <string_view>

#include "mcph/reports/html.h"
#include "mcph/reports/junit.h"
#include "mcph/reports/sarif.h"
#include "mcph/reports/taxonomy.h"
#include "sample_report.h"

int main(int argc, char** argv) {
  if (argc == 2 && std::string_view(argv[1]) == "--taxonomy") {
    std::cout << mcph::reports::taxonomy_markdown();
    return 0;
  }
  if (argc < 2 || argc > 4) {
    std::cerr << "usage: reports_sample OUT.html [OUT.xml [OUT.sarif]]\n";
    return 2;
  }
  try {
    const mcph::reports::RunReport report = mcph::reports::testing::sample_report();
    mcph::reports::write_html_file(report, argv[1]);
    if (argc >= 3) mcph::reports::write_junit_file(report, argv[2]);
    if (argc == 4) mcph::reports::write_sarif_file(report, argv[3]);
  } catch (const std::exception& error) {
    std::cerr << "reports_sample: " << error.what() << "\n";
    return 1;
  }
  return 0;
}
