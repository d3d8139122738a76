#pragma once
// The observable outcome of a step, as replay compares it: stable across runs of a healthy
// stack (no times, ids or generated role names), different when behaviour changes.
#include <nlohmann/json.hpp>
#include <vector>

#include "mcph/reports/model.h"
#include "step_outcome.h"

namespace mcph::harness::scenario {

inline constexpr const char* trace_format = "mcp-harness-trace/1";

// {"http_status", "outcome", "backend_credentials", "entity", "failed"}, and "inconclusive"
// when a check could not decide.
nlohmann::json trace_signature(const StepOutcome& outcome, const std::vector<reports::Check>& checks);

}  // namespace mcph::harness::scenario
