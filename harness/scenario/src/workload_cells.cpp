#include "workload_cells.h"

#include <algorithm>
#include <stdexcept>

#include "capability_call.h"
#include "mcph/text/join.h"

namespace mcph::harness::scenario {

std::optional<std::string> tier_of(const stack::PolicyProfile& policy, const std::string& agent) {
  for (const auto& [tier, name] : policy.agents) {
    if (name == agent) return tier;
  }
  return std::nullopt;
}

std::vector<std::string> tiers_of(const stack::PolicyProfile& policy) {
  std::vector<std::string> tiers;
  for (const stack::DecisionCell& cell : policy.cells) {
    if (std::find(tiers.begin(), tiers.end(), cell.tier) == tiers.end()) tiers.push_back(cell.tier);
  }
  return tiers;
}

namespace {

std::string describe(const CellWish& wish) {
  std::vector<std::string> parts;
  if (!wish.tool_class.empty()) parts.push_back("of the tool class " + wish.tool_class);
  if (!wish.operation.empty()) parts.push_back("for the operation " + wish.operation);
  if (!wish.granted_to.empty()) parts.push_back("granted to " + text::join(wish.granted_to, " and "));
  if (!wish.denied_to.empty()) parts.push_back("denied to " + text::join(wish.denied_to, " and "));
  return parts.empty() ? "any" : text::join(parts, ", ");
}

}  // namespace

PickedCell pick_cell(const stack::PolicyProfile& policy, const stack::WorkloadToolMap& map, const CellWish& wish) {
  for (const stack::DecisionCell& cell : policy.cells) {
    if (!wish.tool_class.empty() && cell.tool != wish.tool_class) continue;
    if (!wish.operation.empty() && cell.operation != wish.operation) continue;
    const stack::WorkloadTool* tool = map.find(cell.tool, cell.operation);
    if (!tool) continue;
    const auto holds = [&](const std::vector<std::string>& tiers, bool allow) {
      return std::all_of(tiers.begin(), tiers.end(), [&](const std::string& tier) {
        return policy.decides(tier, cell.operation, cell.tool) == allow;
      });
    };
    if (holds(wish.granted_to, true) && holds(wish.denied_to, false)) return {cell.tool, cell.operation, *tool};
  }
  const std::vector<std::string> rows = policy.row_operations();
  const bool a_row_has_it = std::find(rows.begin(), rows.end(), wish.operation) != rows.end();
  const std::string hint = wish.operation.empty() || a_row_has_it
                               ? ""
                               : " (no row of the table has the operation " + wish.operation +
                                     ": the policy's `operations` names the table's word for it)";
  throw std::runtime_error("no cell of the target's decision table that its workload tools reach is " + describe(wish) + hint);
}

bool is_policy_decision(std::string_view word) { return word == "granted" || word == "denied" || word == "unavailable"; }

std::string policy_decision(const stack::WorkloadToolMap& map, const StepOutcome& answer, bool tool_ran, const nlohmann::json& source) {
  if (tool_ran) return "granted";
  const auto shows = [&](const char* kind) {
    const auto shapes = map.refusals.find(kind);
    if (shapes == map.refusals.end()) return false;
    return std::any_of(shapes->second.begin(), shapes->second.end(), [&](const stack::RefusalShape& shape) {
      stack::ToolMap only_this;
      only_this.refusals[kind] = shape;
      return !refusal_kinds(only_this, answer, source).empty();
    });
  };
  if (shows("policy_unavailable")) return "unavailable";
  if (shows("policy_denied")) return "denied";
  return "";
}

}  // namespace mcph::harness::scenario
