#pragma once
// One self-contained HTML page for people: summary, the findings per server, what failed and
// why, every step with what it checked (passing ones too) and a chart of its time, a burst's
// statuses with the 429s and Retry-After, each user's authentication flow (login → JWT claims →
// MCP request → Vault login and entity → Vault path → masked credential → backend ledger entry)
// and a link to each trace. Inline CSS and SVG; a Content-Security-Policy forbids loading
// anything; readable without JavaScript. The page layout and style live in
// reports/templates/report.html.
#include <filesystem>
#include <iosfwd>
#include <string>

#include "mcph/reports/model.h"

namespace mcph::reports {

// `page_dir`: the folder the page will be in, so that trace links are relative to it (empty:
// trace paths are linked as they are written).
std::string html_report(const RunReport& report, const std::filesystem::path& page_dir = {});
void write_html(const RunReport& report, std::ostream& out);
// Writes the file in one piece (a temporary file renamed into place), trace links relative to
// its folder. Throws std::runtime_error naming the path when it cannot.
void write_html_file(const RunReport& report, const std::filesystem::path& path);

}  // namespace mcph::reports
