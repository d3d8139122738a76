#pragma once
// A first guess at a server's tool map (tool_map.h) from what `tools/list` says of its tools: for
// read, write, list and delete a secret, the first tool whose name says that verb and a secret,
// kv, a credential or vault, and which of its input schema's properties takes each argument of
// the capability. Only a guess: the names prove nothing of what a tool does.
#include <nlohmann/json.hpp>
#include <vector>

#include "mcph/harness/scenario/target_probe.h"

namespace mcph::harness::scenario {

// {"read": {"tool": …, "args": {"secret": …}}, …} with the capabilities it could pick a tool
// for; null when none.
nlohmann::json guess_tool_map(const std::vector<ProbedTool>& tools);

}  // namespace mcph::harness::scenario
