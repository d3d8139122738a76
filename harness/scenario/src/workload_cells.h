#pragma once
// A workload step says what the target's policy should decide (`policy: grants`, `denied_to:
// semi-trusted-agent`), not which tool it calls: the cell is picked from the target's decision
// table among the cells its workload tool map reaches (workload_tool_map.h), and the answer is
// read back as the policy's decision by the map's refusal shapes.
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "mcph/harness/stack/policy_profile.h"
#include "mcph/harness/stack/workload_tool_map.h"
#include "step_outcome.h"

namespace mcph::harness::scenario {

// What the cell must be: each part given must hold.
struct CellWish {
  std::string tool_class, operation;       // "": any
  std::vector<std::string> granted_to;     // tiers the table grants the cell
  std::vector<std::string> denied_to;      // tiers the table denies it
};

struct PickedCell {
  std::string tool_class, operation;
  stack::WorkloadTool tool;
};

// The tier `policy` gives `agent` (as its `agents` name it); nullopt: none.
std::optional<std::string> tier_of(const stack::PolicyProfile& policy, const std::string& agent);
// Every tier of the policy's table, in its order.
std::vector<std::string> tiers_of(const stack::PolicyProfile& policy);

// The first cell, in the table's order (rows, then columns), that `map` reaches and `wish`
// holds for. Throws std::runtime_error saying what no cell of the table has.
PickedCell pick_cell(const stack::PolicyProfile& policy, const stack::WorkloadToolMap& map, const CellWish& wish);

// The decisions an answer can be read as (policy_decision), as an expectation names them.
constexpr std::string_view kPolicyDecisions = "granted, denied, unavailable";
bool is_policy_decision(std::string_view word);

// What the answer says the policy decided: "granted" (the tool ran: a result that is no error),
// "unavailable" or "denied" (the map's policy_unavailable or policy_denied shape; unavailable
// first, whose words may contain a denial's), or "" (none of these: a refusal before the policy,
// or an answer the map does not describe). `source` is the answer where the tool's result says.
std::string policy_decision(const stack::WorkloadToolMap& map, const StepOutcome& answer, bool tool_ran, const nlohmann::json& source);

}  // namespace mcph::harness::scenario
