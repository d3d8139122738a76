#pragma once
// JUnit XML as Jenkins' JUnit plugin and GitLab's unit test reports read it: one <testsuite>
// per scenario file, one <testcase classname="<family>.<file stem>" name="<scenario>"> per
// scenario, <failure>/<error>/<skipped> for the ones that did not pass.
#include <filesystem>
#include <iosfwd>
#include <string>

#include "mcph/reports/model.h"

namespace mcph::reports {

std::string junit_xml(const RunReport& report);
void write_junit(const RunReport& report, std::ostream& out);
// Writes the file in one piece (a temporary file renamed into place). Throws
// std::runtime_error naming the path when it cannot.
void write_junit_file(const RunReport& report, const std::filesystem::path& path);

}  // namespace mcph::reports
