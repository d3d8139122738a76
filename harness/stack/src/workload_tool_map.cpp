#include "mcph/harness/stack/workload_tool_map.h"

#include <algorithm>
#include <stdexcept>

#include "mcph/harness/stack/stack_file.h"
#include "json_text.h"
#include "unknown_key.h"

namespace mcph::harness::stack {
namespace {

using Json = nlohmann::json;

const std::vector<std::string> kRefusals = {"policy_denied", "policy_unavailable"};

WorkloadTool parse_tool(const Json& json, const std::string& where) {
  if (!json.is_object()) throw std::runtime_error(where + " must be an object with \"tool\"");
  WorkloadTool tool;
  for (const auto& [key, value] : json.items()) {
    const std::string at = where + "." + key;
    if (key == "tool") {
      tool.tool = non_empty_text(value, at);
    } else if (key == "arguments") {
      if (!value.is_object()) throw std::runtime_error(at + " must be the tool's argument object");
      tool.arguments = value;
    } else if (key == "result") {
      tool.result = non_empty_text(value, at);
      if (!is_result_source(tool.result)) {
        throw std::runtime_error(at + " must be one of structured_content, text_json, text, not \"" + tool.result + "\"");
      }
    } else if (key == "caller") {
      tool.caller = non_empty_text(value, at);
      if (tool.caller.front() != '/') throw std::runtime_error(at + " must be a JSON pointer (\"/read_by\")");
    } else {
      refuse_unknown_key(where, key, {"tool", "arguments", "result", "caller"});
    }
  }
  if (tool.tool.empty()) throw std::runtime_error(where + ".tool must name the server's tool");
  return tool;
}

}  // namespace

const WorkloadTool* WorkloadToolMap::find(const std::string& tool_class, const std::string& operation) const {
  const auto column = cells.find(tool_class);
  if (column == cells.end()) return nullptr;
  const auto cell = column->second.find(operation);
  return cell == column->second.end() ? nullptr : &cell->second;
}

WorkloadToolMap workload_mcp_tool_map() {
  WorkloadToolMap map;
  for (const char* tool_class : {"filesystem", "database", "api", "shell", "network"}) {
    for (const char* operation : {"read", "list", "write", "execute", "admin"}) {
      map.cells[tool_class][operation] = {tool_class, {{"operation", operation}}, "structured_content", "/agent"};
    }
  }
  RefusalShape denied, at_the_door, unavailable;
  denied.tool_error = std::vector<std::string>{"denied: "};
  at_the_door.http_status = 403;
  unavailable.tool_error = std::vector<std::string>{"policy_unavailable: "};
  map.refusals["policy_denied"] = {denied, at_the_door};
  map.refusals["policy_unavailable"] = {unavailable};
  return map;
}

WorkloadToolMap parse_workload_tool_map(const Json& json, const std::string& where) {
  if (!json.is_object()) throw std::runtime_error(where + " must be an object of tool class → operation → tool, and \"refusals\"");
  WorkloadToolMap map;
  for (const auto& [key, value] : json.items()) {
    const std::string at = where + "." + key;
    if (key == "refusals") {
      if (!value.is_object()) throw std::runtime_error(at + " must be an object of refusal kind → its shape");
      for (const auto& [kind, shape] : value.items()) {
        if (kind != kRefusals[0] && kind != kRefusals[1]) refuse_unknown_key(at, kind, kRefusals);
        if (shape.is_array()) {
          if (shape.empty()) throw std::runtime_error(at + "." + kind + " must be a shape or a list of shapes");
          for (std::size_t i = 0; i < shape.size(); ++i) {
            map.refusals[kind].push_back(parse_refusal_shape(shape[i], at + "." + kind + "[" + std::to_string(i) + "]"));
          }
        } else {
          map.refusals[kind] = {parse_refusal_shape(shape, at + "." + kind)};
        }
      }
      continue;
    }
    if (!value.is_object() || value.empty()) throw std::runtime_error(at + " must be an object of operation → tool");
    for (const auto& [operation, tool] : value.items()) map.cells[key][operation] = parse_tool(tool, at + "." + operation);
  }
  if (map.cells.empty()) throw std::runtime_error(where + " maps no tool class");
  for (const std::string& kind : kRefusals) {
    if (!map.refusals.count(kind)) {
      throw std::runtime_error(where + ".refusals." + kind + " is missing: how the server refuses is needed to tell a refusal from a failure");
    }
  }
  return map;
}

void check_workload_tools(const WorkloadToolMap& map, const PolicyProfile& policy, const std::string& where) {
  std::vector<std::string> columns;
  for (const DecisionCell& cell : policy.cells) {
    if (std::find(columns.begin(), columns.end(), cell.tool) == columns.end()) columns.push_back(cell.tool);
  }
  const std::vector<std::string> operations = policy.row_operations();
  for (const auto& [tool_class, tools] : map.cells) {
    if (std::find(columns.begin(), columns.end(), tool_class) == columns.end()) {
      refuse_unknown_key(where + " (a tool class of the policy's table)", tool_class, columns);
    }
    for (const auto& [operation, tool] : tools) {
      if (std::find(operations.begin(), operations.end(), operation) == operations.end()) {
        refuse_unknown_key(where + "." + tool_class + " (an operation of the policy's table)", operation, operations);
      }
    }
  }
}

WorkloadToolMap workload_tools_of(const ServiceEntry& entry, const std::string& name) {
  if (entry.mcp.workload_tools.empty()) return workload_mcp_tool_map();
  return parse_workload_tool_map(Json::parse(entry.mcp.workload_tools), "services." + name + ".workload_tools");
}

const PolicyProfile& workload_policy_of(const ServiceEntry& entry) {
  return entry.mcp.policy ? *entry.mcp.policy : reference_workload_policy();
}

}  // namespace mcph::harness::stack
