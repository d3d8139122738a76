#pragma once
// A target's tool map: how a server of the agent design offers what the agent families need of
// it — read, write, list and delete one of the calling agent's secrets — and how it refuses. A
// scenario says what it does (a `call` step's `capability: read`, `secret: jira`); the map says
// which tool that is on this server, what its arguments are called, where the answer's fields
// are, and what a refusal looks like. For a server of the user design, it renames the tools the
// families call by the reference servers' names (`call: jira.get_issue`) to the server's own.
// Stack file key "tools" of an MCP service
// (docs/target-profiles.md#tools-what-a-server-calls-its-tools).
#include <map>
#include <nlohmann/json_fwd.hpp>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace mcph::harness::stack {

// One capability's tool.
struct CapabilityTool {
  std::string tool;                         // "kv.read", "get_secret"
  // The step's argument ("secret", "prefix", "data") → the tool's argument name ("path", "name").
  std::map<std::string, std::string> args;
  // Where the answer's fields are: "structured_content" (the result's structuredContent),
  // "text_json" (its text content parsed as JSON) or "text" (the text itself, a JSON string).
  std::string result;
  // The capability's field ("data" of read, "keys" of list) → a JSON pointer into that source
  // ("" is the whole of it).
  std::map<std::string, std::string> fields;
};

// What one kind of refusal looks like on the server; every condition given must hold.
struct RefusalShape {
  std::optional<int> http_status;                       // 403
  std::map<std::string, std::string> header_contains;   // {"WWW-Authenticate": "insufficient_scope"}
  std::optional<int> jsonrpc_error;                     // -32602
  // The result is isError and its text contains one of these ([] with `tool_error` given: any
  // isError result). Absent: the answer need not be a tool error.
  std::optional<std::vector<std::string>> tool_error;
  std::map<std::string, std::string> result;            // JSON pointer into the result source → JSON value text
};

// A tool the families call by the reference servers' name for it, as this server names it.
struct RenamedTool {
  std::string tool;                         // "jiraGetIssue"
  std::map<std::string, std::string> args;  // the step's argument ("issue_key") → the tool's ("key")
};

struct ToolMap {
  std::map<std::string, CapabilityTool> capabilities;  // read, write, list, delete
  // read_resource: the URI of an agent's secret as a resource, a template of {agent} (whose)
  // and {secret} (its key): "kv://{agent}/{secret}". None: the server offers no such resources.
  std::optional<std::string> resource_uri;
  std::map<std::string, RefusalShape> refusals;         // insufficient_scope, invalid_argument, not_found
  std::map<std::string, RenamedTool> renamed;           // a named tool ("get_issue") → this server's
};

// The capabilities ("read, write, list, delete"), the step arguments each takes, the fields its
// answer has, and the refusal kinds.
constexpr std::string_view kToolCapabilities = "read, write, list, delete, read_resource";
constexpr std::string_view kRefusalKinds = "insufficient_scope, invalid_argument, not_found";
bool is_capability(std::string_view name);
bool is_refusal_kind(std::string_view name);
// Where a tool's answer may be: "structured_content", "text_json" or "text".
bool is_result_source(std::string_view name);
// The tools the families call by the reference servers' names: get_issue, list_issues, …
const std::vector<std::string>& named_tools();

// One refusal's shape: an object of the conditions above. Throws std::runtime_error naming the
// key (`where`) on an unknown condition or a bad value.
RefusalShape parse_refusal_shape(const nlohmann::json& json, const std::string& where);
std::vector<std::string> capability_arguments(std::string_view capability);
std::vector<std::string> capability_fields(std::string_view capability);

// agent-bridge-mcp's map: kv.read, kv.write, kv.list, kv.delete with `path` (and `data`), the
// answer in structured content, each secret a resource kv://<agent>/<key> too; in its MCP session a missing scope and a refused path are tool
// errors ("insufficient_scope: …", "path refused: …"), a secret not there `found: false`.
ToolMap agent_bridge_tool_map();

// `base` with the stack entry's "tools" (JSON text) laid over it: a capability given replaces the
// base's whole, a refusal kind given replaces the base's of that kind. Throws std::runtime_error
// naming the key (`where`: "services.x.tools") on an unknown key or a bad value.
ToolMap parse_tool_map(const std::string& json_text, const std::string& where, ToolMap base);

}  // namespace mcph::harness::stack
