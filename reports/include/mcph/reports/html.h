#pragma once
// One self-contained HTML page for people: summary, what failed and why (expected vs actual),
// and each user's authentication flow (login → JWT claims → MCP request → Vault login and
// entity → Vault path → masked credential → backend ledger entry). Inline CSS, no external
// assets, readable without JavaScript. The page layout and style live in
// reports/templates/report.html.
#include <filesystem>
#include <iosfwd>
#include <string>

#include "mcph/reports/model.h"

namespace mcph::reports {

std::string html_report(const RunReport& report);
void write_html(const RunReport& report, std::ostream& out);
// Writes the file in one piece (a temporary file renamed into place). Throws
// std::runtime_error naming the path when it cannot.
void write_html_file(const RunReport& report, const std::filesystem::path& path);

}  // namespace mcph::reports
