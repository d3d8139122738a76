#include "mcph/harness/stack/tool_map.h"

#include <nlohmann/json.hpp>
#include <algorithm>
#include <stdexcept>

#include "unknown_key.h"
#include "mcph/text/count.h"
#include "mcph/text/join.h"

namespace mcph::harness::stack {

namespace {

using Json = nlohmann::json;

const std::vector<std::string> kCapabilityNames = {"read", "write", "list", "delete", "read_resource"};
const std::vector<std::string> kRefusalNames = {"insufficient_scope", "invalid_argument", "not_found"};
const std::vector<std::string> kResultSources = {"structured_content", "text_json", "text"};
// What the scenario files call by name on jira-mcp, github-mcp and postgres-mcp (a test holds
// this list to them).
const std::vector<std::string> kNamedTools = {"create_issue", "delete_issue", "execute_query", "get_issue",
                                              "list_issues", "list_repos", "list_tables"};

bool contains(const std::vector<std::string>& names, std::string_view name) {
  return std::find(names.begin(), names.end(), name) != names.end();
}

std::string text_of(const Json& value, const std::string& where) {
  if (!value.is_string()) throw std::runtime_error(where + " must be a string");
  return value.get<std::string>();
}

// {"<step name>": "<server's name>"} with only the names `allowed`.
std::map<std::string, std::string> name_map(const Json& json, const std::string& where, const std::vector<std::string>& allowed,
                                            bool pointers) {
  if (!json.is_object()) throw std::runtime_error(where + " must be an object");
  std::map<std::string, std::string> names;
  for (const auto& [key, value] : json.items()) {
    if (!contains(allowed, key)) {
      if (allowed.empty()) throw std::runtime_error(where + ": this capability has none, not \"" + key + "\"");
      refuse_unknown_key(where, key, allowed);
    }
    std::string name = text_of(value, where + "." + key);
    if (pointers ? !name.empty() && name[0] != '/' : name.empty()) {
      throw std::runtime_error(where + "." + key + (pointers ? " must be a JSON pointer (\"/names\", or \"\" for the whole)"
                                                             : " must name the tool's argument"));
    }
    names[key] = std::move(name);
  }
  return names;
}

CapabilityTool parse_capability(const Json& json, const std::string& where, const std::string& capability) {
  if (!json.is_object()) throw std::runtime_error(where + " must be an object with \"tool\"");
  CapabilityTool tool;
  tool.result = "structured_content";
  for (const std::string& field : capability_fields(capability)) tool.fields[field] = "/" + field;
  for (const auto& [key, value] : json.items()) {
    const std::string at = where + "." + key;
    if (key == "tool") {
      tool.tool = text_of(value, at);
    } else if (key == "args") {
      tool.args = name_map(value, at, capability_arguments(capability), false);
    } else if (key == "result") {
      tool.result = text_of(value, at);
      if (!contains(kResultSources, tool.result)) {
        throw std::runtime_error(at + " must be one of " + text::join(kResultSources) + ", not \"" + tool.result + "\"");
      }
    } else if (key == "fields") {
      for (auto& [field, pointer] : name_map(value, at, capability_fields(capability), true)) tool.fields[field] = pointer;
    } else {
      refuse_unknown_key(where, key, {"tool", "args", "result", "fields"});
    }
  }
  if (tool.tool.empty()) throw std::runtime_error(where + ".tool must name the server's tool");
  return tool;
}

// {"uri": "kv://{agent}/{secret}"}: both placeholders, each once.
std::string parse_resource_uri(const Json& json, const std::string& where) {
  if (!json.is_object()) throw std::runtime_error(where + " must be an object with \"uri\"");
  for (const auto& [key, value] : json.items()) {
    if (key != "uri") refuse_unknown_key(where, key, {"uri"});
  }
  if (!json.contains("uri")) throw std::runtime_error(where + ".uri must be the resource's URI template");
  const std::string uri = text_of(json["uri"], where + ".uri");
  for (const std::string part : {"{agent}", "{secret}"}) {
    if (text::count_of(uri, part) != 1) {
      throw std::runtime_error(where + ".uri must hold " + part + " once (\"kv://{agent}/{secret}\"), not \"" + uri + "\"");
    }
  }
  return uri;
}

RenamedTool parse_renamed(const Json& json, const std::string& where) {
  if (!json.is_object()) throw std::runtime_error(where + " must be an object with \"tool\"");
  RenamedTool tool;
  for (const auto& [key, value] : json.items()) {
    const std::string at = where + "." + key;
    if (key == "tool") {
      tool.tool = text_of(value, at);
    } else if (key == "args") {
      if (!value.is_object()) throw std::runtime_error(at + " must be an object of the step's argument → the tool's");
      for (const auto& [name, renamed] : value.items()) {
        tool.args[name] = text_of(renamed, at + "." + name);
        if (tool.args[name].empty()) throw std::runtime_error(at + "." + name + " must name the tool's argument");
      }
    } else {
      refuse_unknown_key(where, key, {"tool", "args"});
    }
  }
  if (tool.tool.empty()) throw std::runtime_error(where + ".tool must name the server's tool");
  return tool;
}

}  // namespace

RefusalShape parse_refusal_shape(const Json& json, const std::string& where) {
  if (!json.is_object() || json.empty()) throw std::runtime_error(where + " must be an object of at least one condition");
  RefusalShape shape;
  for (const auto& [key, value] : json.items()) {
    const std::string at = where + "." + key;
    if (key == "http_status") {
      if (!value.is_number_integer() || value.get<int>() < 100 || value.get<int>() > 599) {
        throw std::runtime_error(at + " must be an HTTP status");
      }
      shape.http_status = value.get<int>();
    } else if (key == "jsonrpc_error") {
      if (!value.is_number_integer()) throw std::runtime_error(at + " must be a JSON-RPC error code");
      shape.jsonrpc_error = value.get<int>();
    } else if (key == "header_contains") {
      if (!value.is_object()) throw std::runtime_error(at + " must be an object of header name → text");
      for (const auto& [header, words] : value.items()) shape.header_contains[header] = text_of(words, at + "." + header);
    } else if (key == "tool_error") {
      if (!value.is_array()) throw std::runtime_error(at + " must be a list of texts ([]: any tool error)");
      shape.tool_error.emplace();
      for (const auto& words : value) {
        if (!words.is_string() || words.get<std::string>().empty()) throw std::runtime_error(at + " must be a list of texts");
        shape.tool_error->push_back(words.get<std::string>());
      }
    } else if (key == "result") {
      if (!value.is_object()) throw std::runtime_error(at + " must be an object of JSON pointer → value");
      for (const auto& [pointer, want] : value.items()) {
        if (pointer.empty() || pointer[0] != '/') throw std::runtime_error(at + ": \"" + pointer + "\" is no JSON pointer");
        shape.result[pointer] = want.dump();
      }
    } else {
      refuse_unknown_key(where, key, {"http_status", "header_contains", "jsonrpc_error", "tool_error", "result"});
    }
  }
  return shape;
}

bool is_capability(std::string_view name) { return contains(kCapabilityNames, name); }
bool is_refusal_kind(std::string_view name) { return contains(kRefusalNames, name); }
bool is_result_source(std::string_view name) { return contains(kResultSources, name); }
const std::vector<std::string>& named_tools() { return kNamedTools; }

std::vector<std::string> capability_arguments(std::string_view capability) {
  if (capability == "write") return {"secret", "data"};
  if (capability == "read_resource") return {"secret", "owner"};
  if (capability == "list") return {"prefix"};
  return {"secret"};
}

std::vector<std::string> capability_fields(std::string_view capability) {
  if (capability == "read") return {"data"};
  if (capability == "list") return {"keys"};
  return {};
}

ToolMap agent_bridge_tool_map() {
  const auto kv = [](std::string tool, std::map<std::string, std::string> args, std::map<std::string, std::string> fields) {
    return CapabilityTool{std::move(tool), std::move(args), "structured_content", std::move(fields)};
  };
  ToolMap map;
  map.capabilities["read"] = kv("kv.read", {{"secret", "path"}}, {{"data", "/data"}});
  map.capabilities["write"] = kv("kv.write", {{"secret", "path"}, {"data", "data"}}, {});
  map.capabilities["list"] = kv("kv.list", {{"prefix", "path"}}, {{"keys", "/keys"}});
  map.capabilities["delete"] = kv("kv.delete", {{"secret", "path"}}, {});
  map.resource_uri = "kv://{agent}/{secret}";
  // As its MCP session answers them (Streamable HTTP at /mcp): tool errors with its words. Its
  // plain JSON-RPC path (/mcp/rpc) answers 403 with a challenge and -32602 instead.
  map.refusals["insufficient_scope"].tool_error = std::vector<std::string>{"insufficient_scope: "};
  map.refusals["invalid_argument"].tool_error = std::vector<std::string>{"path refused: "};
  map.refusals["not_found"].result = {{"/found", "false"}};
  return map;
}

ToolMap parse_tool_map(const std::string& json_text, const std::string& where, ToolMap base) {
  const Json json = Json::parse(json_text, nullptr, false);
  if (!json.is_object()) {
    throw std::runtime_error(where + " must be an object of capability → tool, \"refusals\", and named tool → this server's");
  }
  for (const auto& [key, value] : json.items()) {
    const std::string at = where + "." + key;
    if (key == "read_resource") {
      base.resource_uri = parse_resource_uri(value, at);
    } else if (is_capability(key)) {
      base.capabilities[key] = parse_capability(value, at, key);
    } else if (key == "refusals") {
      if (!value.is_object()) throw std::runtime_error(at + " must be an object of refusal kind → its shape");
      for (const auto& [kind, shape] : value.items()) {
        if (!is_refusal_kind(kind)) refuse_unknown_key(at, kind, kRefusalNames);
        base.refusals[kind] = parse_refusal_shape(shape, at + "." + kind);
      }
    } else if (contains(kNamedTools, key)) {
      base.renamed[key] = parse_renamed(value, at);
    } else {
      std::vector<std::string> known = kCapabilityNames;
      known.emplace_back("refusals");
      known.insert(known.end(), kNamedTools.begin(), kNamedTools.end());
      refuse_unknown_key(where, key, known);
    }
  }
  return base;
}

}  // namespace mcph::harness::stack
