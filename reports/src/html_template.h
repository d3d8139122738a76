#pragma once
// The page skeleton and its style: reports/templates/report.html, embedded at configure time
// (see reports/CMakeLists.txt). Placeholders are {{name}}; html.cpp fills them.
#include <string_view>

namespace mcph::reports::detail {

inline constexpr std::string_view kReportTemplate =
#include "report_template.inc"
    ;

}  // namespace mcph::reports::detail
