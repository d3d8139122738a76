#include "capability_call.h"

#include <algorithm>
#include <stdexcept>

#include "mcph/text/join.h"
#include "mcph/text/replace.h"

namespace mcph::harness::scenario {

using Json = nlohmann::json;

const stack::CapabilityTool& capability_tool(const stack::TargetProfile& profile, const std::string& capability, const std::string& service) {
  if (!profile.tools) {
    throw std::runtime_error("services." + service + " maps no tools to capabilities (profile " + profile.name +
                             ", key \"tools\"): the capability " + capability + " cannot be called");
  }
  const auto found = profile.tools->capabilities.find(capability);
  if (found == profile.tools->capabilities.end()) {
    throw std::runtime_error("services." + service + ".tools maps no tool to the capability " + capability);
  }
  return found->second;
}

namespace {

// How the target's tool map renames `tool`; null when it does not.
const stack::RenamedTool* renaming_of(const stack::TargetProfile& profile, const std::string& tool) {
  if (!profile.tools) return nullptr;
  const auto renamed = profile.tools->renamed.find(tool);
  return renamed == profile.tools->renamed.end() ? nullptr : &renamed->second;
}

Json renamed_arguments(const std::map<std::string, std::string>& names, const Json& step_arguments) {
  Json arguments = Json::object();
  for (const auto& [name, value] : step_arguments.items()) {
    const auto renamed = names.find(name);
    arguments[renamed == names.end() ? name : renamed->second] = value;
  }
  return arguments;
}

}  // namespace

Json capability_arguments_json(const stack::CapabilityTool& tool, const Json& step_arguments) {
  return renamed_arguments(tool.args, step_arguments);
}

NamedCall named_call(const stack::TargetProfile& profile, const std::string& tool, const Json& step_arguments) {
  if (const stack::RenamedTool* renamed = renaming_of(profile, tool)) {
    return {renamed->tool, renamed_arguments(renamed->args, step_arguments)};
  }
  return {tool, step_arguments};
}

std::string named_tool(const stack::TargetProfile& profile, const std::string& tool) {
  const stack::RenamedTool* renamed = renaming_of(profile, tool);
  return renamed ? renamed->tool : tool;
}

std::optional<std::string> body_with_named_tools(const stack::TargetProfile& profile, const std::string& body) {
  if (!profile.tools || profile.tools->renamed.empty()) return std::nullopt;
  Json message = Json::parse(body, nullptr, false);
  bool renamed_any = false;
  const auto rename = [&](Json& request) {
    if (!request.is_object() || request.value("method", Json()) != "tools/call") return;
    const auto params = request.find("params");
    if (params == request.end() || !params->is_object()) return;
    const auto name = params->find("name");
    if (name == params->end() || !name->is_string()) return;
    const stack::RenamedTool* renamed = renaming_of(profile, name->get<std::string>());
    if (!renamed) return;
    *name = renamed->tool;
    const auto arguments = params->find("arguments");
    if (arguments != params->end() && arguments->is_object()) *arguments = renamed_arguments(renamed->args, *arguments);
    renamed_any = true;
  };
  if (message.is_array()) {
    for (Json& item : message) rename(item);
  } else {
    rename(message);
  }
  if (!renamed_any) return std::nullopt;
  return message.dump();
}

Json with_server_names(const stack::TargetProfile& profile, Json step_arguments) {
  if (!profile.auth || profile.auth->names.empty() || !step_arguments.is_object()) return step_arguments;
  for (const char* naming : {"secret", "prefix", "owner"}) {
    const auto argument = step_arguments.find(naming);
    if (argument != step_arguments.end() && argument->is_string()) *argument = profile.auth->with_server_names(argument->get<std::string>());
  }
  return step_arguments;
}

std::string resource_uri(const stack::TargetProfile& profile, const std::string& service, const Json& step_arguments,
                         const std::string& caller) {
  if (!profile.tools || !profile.tools->resource_uri) {
    throw std::runtime_error("services." + service + ".tools has no read_resource: the server's secrets are no resources it names");
  }
  const std::string owner = step_arguments.value("owner", profile.auth ? profile.auth->name_of(caller) : caller);
  const std::string uri = text::replace_all(*profile.tools->resource_uri, "{agent}", owner);
  return text::replace_all(uri, "{secret}", step_arguments.value("secret", ""));
}

Json capability_source(const stack::CapabilityTool& tool, const std::string& structured_content, const std::string& text) {
  if (tool.result == "text") return text;
  const std::string& written = tool.result == "text_json" ? text : structured_content;
  if (written.empty()) return nullptr;
  Json parsed = Json::parse(written, nullptr, false);
  return parsed.is_discarded() ? Json(nullptr) : parsed;
}

Json capability_fields_of(const stack::CapabilityTool& tool, const Json& source) {
  Json fields = Json::object();
  for (const auto& [field, pointer] : tool.fields) {
    const Json::json_pointer at(pointer);
    if (source.contains(at)) fields[field] = source.at(at);
  }
  return fields;
}

namespace {

bool meets(const stack::RefusalShape& shape, const StepOutcome& answer, const Json& source) {
  if (shape.http_status && answer.http.status != *shape.http_status) return false;
  for (const auto& [header, words] : shape.header_contains) {
    const std::optional<std::string> value = http::find_field(answer.http.headers, header);
    if (!value || value->find(words) == std::string::npos) return false;
  }
  if (shape.jsonrpc_error && answer.rpc.error != shape.jsonrpc_error) return false;
  if (shape.tool_error) {
    if (!answer.tool.error) return false;
    const auto said = [&](const std::string& words) { return answer.tool.text.find(words) != std::string::npos; };
    if (!shape.tool_error->empty() && std::none_of(shape.tool_error->begin(), shape.tool_error->end(), said)) return false;
  }
  for (const auto& [pointer, want] : shape.result) {
    const Json::json_pointer at(pointer);
    if (!source.is_structured() || !source.contains(at) || source.at(at) != Json::parse(want)) return false;
  }
  return true;
}

}  // namespace

std::vector<std::string> refusal_kinds(const stack::ToolMap& map, const StepOutcome& answer, const Json& source) {
  std::vector<std::string> kinds;
  for (const auto& [kind, shape] : map.refusals) {
    if (meets(shape, answer, source)) kinds.push_back(kind);
  }
  return kinds;
}

std::string describe_refusal(const stack::RefusalShape& shape) {
  std::vector<std::string> parts;
  if (shape.http_status) parts.push_back("HTTP " + std::to_string(*shape.http_status));
  for (const auto& [header, words] : shape.header_contains) parts.push_back(header + " containing \"" + words + "\"");
  if (shape.jsonrpc_error) parts.push_back("JSON-RPC error " + std::to_string(*shape.jsonrpc_error));
  if (shape.tool_error) {
    parts.push_back(shape.tool_error->empty() ? "a tool error"
                                              : "a tool error saying " + text::join(*shape.tool_error, " or ", [](const std::string& w) {
                                                  return "\"" + w + "\"";
                                                }));
  }
  for (const auto& [pointer, want] : shape.result) parts.push_back("the result's " + pointer + " " + want);
  return text::join(parts, ", ");
}

}  // namespace mcph::harness::scenario
