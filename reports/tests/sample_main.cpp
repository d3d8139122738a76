// Writes the sample report as HTML (and JUnit XML) to look at while working on the template:
//   reports_sample report.html [report.xml]
#include <exception>
#include <iostream>

#include "mcph/reports/html.h"
#include "mcph/reports/junit.h"
#include "sample_report.h"

int main(int argc, char** argv) {
  if (argc < 2 || argc > 3) {
    std::cerr << "usage: reports_sample OUT.html [OUT.xml]\n";
    return 2;
  }
  try {
    const mcph::reports::RunReport report = mcph::reports::testing::sample_report();
    mcph::reports::write_html_file(report, argv[1]);
    if (argc == 3) mcph::reports::write_junit_file(report, argv[2]);
  } catch (const std::exception& error) {
    std::cerr << "reports_sample: " << error.what() << "\n";
    return 1;
  }
  return 0;
}
