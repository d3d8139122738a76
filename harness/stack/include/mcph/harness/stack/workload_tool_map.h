#pragma once
// A target's workload tool map: how a server of the workload-identity design offers each cell of
// its decision table — for a tool class (a column of the table: filesystem, documents) and an
// operation (a row's word: read, write, run) the tool to call and a fixed argument object — where
// a result says which caller ran it, and how the server refuses when its policy denies a call or
// gives no decision. Scenarios say what the policy should decide; the harness picks a cell of the
// target's table that this map reaches (workload_cells.h). Stack file key "workload_tools" of an
// MCP service (docs/target-profiles.md#workload_tools-what-a-server-of-the-workload-design-calls-its-tools).
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "mcph/harness/stack/tool_map.h"

namespace mcph::harness::stack {

// One cell's tool.
struct WorkloadTool {
  std::string tool;                                  // "read_document", "filesystem"
  nlohmann::json arguments = nlohmann::json::object();  // sent as they are: {"path": "notes/a.txt"}
  // Where the answer is: "structured_content", "text_json" or "text" (as a capability tool's).
  std::string result = "structured_content";
  std::string caller;  // JSON pointer into that answer to the SPIFFE ID that ran it; "": not said
};

struct WorkloadToolMap {
  // tool class → operation → its tool
  std::map<std::string, std::map<std::string, WorkloadTool>> cells;
  // policy_denied, policy_unavailable: how the server refuses (tool_map.h's shape), each kind
  // one shape or several, any of which is that refusal.
  std::map<std::string, std::vector<RefusalShape>> refusals;

  const WorkloadTool* find(const std::string& tool_class, const std::string& operation) const;
};

constexpr std::string_view kWorkloadRefusalKinds = "policy_denied, policy_unavailable";

// workload-mcp's map: each tool class of its table is a tool of that name with {"operation": …},
// the caller at /agent of the structured content. In its MCP session a denial is a tool error
// "denied: …" (or, for an agent without a tier, HTTP 403 at the door), no decision a tool error
// "policy_unavailable: …".
WorkloadToolMap workload_mcp_tool_map();

struct ServiceEntry;
struct PolicyProfile;

// The map of the stack's entry `name`: its "workload_tools", else workload-mcp's.
WorkloadToolMap workload_tools_of(const ServiceEntry& entry, const std::string& name);
// The policy it asks: its "policy", else the reference policy (policy_profile.h).
const PolicyProfile& workload_policy_of(const ServiceEntry& entry);

// Each tool class of `map` a column of `policy`'s table and each operation one of its rows'; else
// throws std::runtime_error naming the closest word of the table.
void check_workload_tools(const WorkloadToolMap& map, const PolicyProfile& policy, const std::string& where);

// The stack entry's "workload_tools" (`where`: "services.x.workload_tools"): an object of tool
// class → operation → {"tool", "arguments", "result", "caller"}, and "refusals" of both kinds.
// Throws std::runtime_error naming the key on an unknown key, a bad value or a refusal kind
// missing.
WorkloadToolMap parse_workload_tool_map(const nlohmann::json& json, const std::string& where);

}  // namespace mcph::harness::stack
