#pragma once
// A run's report as JSON and back, whole (every suite, scenario, step, check, finding and load
// level): how a sharded run's workers hand their reports to `mcp-harness merge`.
#include <string>

#include "mcph/reports/model.h"

namespace mcph::reports {

std::string to_json_text(const RunReport& report);
// Throws std::invalid_argument naming what is wrong.
RunReport run_report_from_json(const std::string& text);

}  // namespace mcph::reports
