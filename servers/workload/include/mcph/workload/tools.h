#pragma once
// workload-mcp's tools: one per category of the trust-tier table (filesystem, database, api,
// shell, network), each taking the operation (read, list, write, execute, admin) and a target.
// Their bodies are harmless and deterministic: they describe what they would have done and
// touch nothing, so that a call that ran is told apart from one that was refused by its result.
#include <optional>
#include <string>

#include <nlohmann/json.hpp>

namespace mcph::workload {

struct ToolCall {
  std::string tool;       // a category
  std::string operation;
  std::string target;     // "" when not given
};

// The tools/list entries, with their input schemas.
nlohmann::json tool_list();
// The call named by tools/call's name and arguments, or nullopt with `error` set (an unknown
// tool, an operation outside the table, a target that is not a short string).
std::optional<ToolCall> parse_tool_call(const std::string& name, const nlohmann::json& arguments, std::string& error);
// What the tool did, as its structured result.
nlohmann::json run_tool(const ToolCall& call, const std::string& agent, const std::string& tier);

}  // namespace mcph::workload
