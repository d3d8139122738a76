#include "mcph/workload/tools.h"

#include <array>
#include <string_view>

namespace mcph::workload {
namespace {

constexpr std::array<std::string_view, 5> kTools = {"filesystem", "database", "api", "shell", "network"};
constexpr std::array<std::string_view, 5> kOperations = {"read", "list", "write", "execute", "admin"};
constexpr std::size_t kMaxTarget = 256;

template <std::size_t N>
bool one_of(const std::array<std::string_view, N>& words, const std::string& word) {
  for (const auto w : words) {
    if (w == word) return true;
  }
  return false;
}

std::string describe(const std::string& tool) {
  if (tool == "filesystem") return "files under the workload's own directory";
  if (tool == "database") return "rows of the workload's own table";
  if (tool == "api") return "an internal HTTP API";
  if (tool == "shell") return "a command in a sandbox";
  return "a host on the internal network";
}

}  // namespace

nlohmann::json tool_list() {
  nlohmann::json tools = nlohmann::json::array();
  nlohmann::json operations = nlohmann::json::array();
  for (const auto op : kOperations) operations.push_back(std::string(op));
  for (const auto tool : kTools) {
    tools.push_back({{"name", std::string(tool)},
                     {"description", "Operates on " + describe(std::string(tool)) + " (harmless: it only says what it would do)."},
                     {"inputSchema",
                      {{"type", "object"},
                       {"properties",
                        {{"operation", {{"type", "string"}, {"enum", operations}}},
                         {"target", {{"type", "string"}, {"maxLength", kMaxTarget}}}}},
                       {"required", {"operation"}},
                       {"additionalProperties", false}}}});
  }
  return tools;
}

std::optional<ToolCall> parse_tool_call(const std::string& name, const nlohmann::json& arguments, std::string& error) {
  if (!one_of(kTools, name)) {
    error = "Unknown tool: " + name;
    return std::nullopt;
  }
  if (!arguments.is_object() || !arguments.contains("operation") || !arguments["operation"].is_string()) {
    error = "operation is required: one of read, list, write, execute, admin";
    return std::nullopt;
  }
  ToolCall call{name, arguments["operation"].get<std::string>(), ""};
  if (!one_of(kOperations, call.operation)) {
    error = "operation must be one of read, list, write, execute, admin";
    return std::nullopt;
  }
  if (arguments.contains("target")) {
    if (!arguments["target"].is_string() || arguments["target"].get<std::string>().size() > kMaxTarget) {
      error = "target must be a string of at most 256 bytes";
      return std::nullopt;
    }
    call.target = arguments["target"].get<std::string>();
  }
  return call;
}

nlohmann::json run_tool(const ToolCall& call, const std::string& agent, const std::string& tier) {
  return {{"tool", call.tool},
          {"operation", call.operation},
          {"target", call.target},
          {"agent", agent},
          {"tier", tier},
          {"done", call.operation + " on " + describe(call.tool) + (call.target.empty() ? "" : " (" + call.target + ")")}};
}

}  // namespace mcph::workload
