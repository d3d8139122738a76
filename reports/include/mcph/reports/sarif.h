#pragma once
// SARIF 2.1.0 (OASIS), as code-scanning views read it: one rule per property of the families
// (taxonomy.h), one result per finding — an error for a broken security property, a warning for
// another behaviour —, one note per inconclusive scenario saying why. Each result names the
// server it is about (a logical location), the scenario file and line that proved it (a physical
// location) and the evidence; the rules are tagged with their OWASP MCP Top 10 category and CWE,
// as tags and as taxa of two taxonomies. The same report always gives the same file.
#include <filesystem>
#include <string>

#include "mcph/reports/model.h"

namespace mcph::reports {

std::string sarif_json(const RunReport& report);
// Writes the file in one piece (a temporary file renamed into place). Throws
// std::runtime_error naming the path when it cannot.
void write_sarif_file(const RunReport& report, const std::filesystem::path& path);

}  // namespace mcph::reports
