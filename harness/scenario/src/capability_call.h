#pragma once
// A `call` step that names a capability (`capability: read`, `secret: jira`) rather than a tool:
// the target's tool map (tool_map.h) says which tool that is, what its arguments are called,
// where its answer's fields are and how the server refuses; the expectations then read the
// capability's fields (`/data/token`, `/keys`) and its refusals (`refused: not_found`) the same
// way on every server.
#include <map>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "mcph/harness/stack/target_profile.h"
#include "step_outcome.h"

namespace mcph::harness::scenario {

// The tool the target's profile maps `capability` to. Throws std::runtime_error saying that the
// profile of `service` maps none (no tool map, or not this capability).
const stack::CapabilityTool& capability_tool(const stack::TargetProfile& profile, const std::string& capability, const std::string& service);

// The tool's arguments: each of the step's (`{"secret": "jira", "data": {…}}`) under the name
// the tool gives it.
nlohmann::json capability_arguments_json(const stack::CapabilityTool& tool, const nlohmann::json& step_arguments);

// A tool a step calls by the reference servers' name for it (`jira.get_issue`, `{"issue_key": …}`)
// as this server names it and its arguments, by the target's tool map; as the step has them when
// the map renames none.
struct NamedCall {
  std::string tool;
  nlohmann::json args;
};
NamedCall named_call(const stack::TargetProfile& profile, const std::string& tool, const nlohmann::json& step_arguments);

// A raw JSON-RPC body (an `http` step's) whose tools/call names a tool by the reference servers'
// name, with that tool and its arguments named as this server names them (named_call), each item
// of a batch alike; nullopt when the body is no JSON or renames nothing.
std::optional<std::string> body_with_named_tools(const stack::TargetProfile& profile, const std::string& body);
// A header value that names a tool (`Mcp-Name`) as this server names it; as it is otherwise.
std::string named_tool(const stack::TargetProfile& profile, const std::string& tool);

// The step's arguments with the agents named in its `secret`, `prefix` and `owner` ("../agent-a/jira")
// by the server's own names for them (the profile's auth.agents); unchanged when it renames none.
nlohmann::json with_server_names(const stack::TargetProfile& profile, nlohmann::json step_arguments);

// The URI of a read_resource step's resource: the target's template with {agent} the step's
// `owner` (default `caller`, by the server's name for it) and {secret} its `secret`. Throws
// std::runtime_error saying that the tool map of `service` has no read_resource.
std::string resource_uri(const stack::TargetProfile& profile, const std::string& service, const nlohmann::json& step_arguments,
                         const std::string& caller);

// The answer where the tool's `result` says its fields are: structured content, the text parsed
// as JSON, or the text as a JSON string; null when that is absent or no JSON.
nlohmann::json capability_source(const stack::CapabilityTool& tool, const std::string& structured_content, const std::string& text);

// The capability's fields ({"data": …}, {"keys": …}) found in `source`; a field not there is
// left out.
nlohmann::json capability_fields_of(const stack::CapabilityTool& tool, const nlohmann::json& source);

// The refusal kinds of `map` whose every condition the answer (`answer`'s status, headers,
// JSON-RPC error and tool error; `source` for `result` conditions) meets.
std::vector<std::string> refusal_kinds(const stack::ToolMap& map, const StepOutcome& answer, const nlohmann::json& source);

// How the server refuses, in words, for a failed check's evidence: "HTTP 403, WWW-Authenticate
// containing \"insufficient_scope\"".
std::string describe_refusal(const stack::RefusalShape& shape);

}  // namespace mcph::harness::scenario
