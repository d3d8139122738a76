#pragma once
// The vocabulary of a scenario's `load` step (family 10, isolation under load), read from its
// mapping as JSON and checked against what the file says it needs from the stack.
#include <nlohmann/json.hpp>

#include "mcph/harness/scenario/scenario.h"
#include "step_spec_error.h"

namespace mcph::harness::scenario {

// Throws StepSpecError naming the key (dotted below the step: "servers.jira.tool").
LoadSpec read_load_spec(const nlohmann::json& step, const StackNeeds& needs);

}  // namespace mcph::harness::scenario
