#include "tool_map_guess.h"

#include <algorithm>
#include <cctype>
#include <string>

#include "mcph/harness/stack/tool_map.h"

namespace mcph::harness::scenario {
namespace {

using Json = nlohmann::json;

// A tool's name as lower-case words: kv.read, get_secret, fetchSecret → [kv, read], [get, secret], [fetch, secret].
std::vector<std::string> words_of(const std::string& name) {
  std::vector<std::string> words(1);
  for (std::size_t i = 0; i < name.size(); ++i) {
    const unsigned char c = static_cast<unsigned char>(name[i]);
    if (!std::isalnum(c)) {
      if (!words.back().empty()) words.emplace_back();
      continue;
    }
    if (std::isupper(c) && !words.back().empty()) words.emplace_back();
    words.back().push_back(static_cast<char>(std::tolower(c)));
  }
  if (words.back().empty()) words.pop_back();
  return words;
}

bool has_any(const std::vector<std::string>& words, const std::vector<std::string>& wanted) {
  return std::any_of(words.begin(), words.end(),
                     [&](const std::string& w) { return std::find(wanted.begin(), wanted.end(), w) != wanted.end(); });
}

const std::vector<std::string>& verbs_of(const std::string& capability) {
  static const std::vector<std::string> read = {"read", "get", "fetch", "retrieve", "show"};
  static const std::vector<std::string> write = {"write", "put", "store", "set", "create", "save", "update"};
  static const std::vector<std::string> list = {"list", "ls", "keys"};
  static const std::vector<std::string> remove = {"delete", "remove", "rm", "destroy"};
  if (capability == "read") return read;
  if (capability == "write") return write;
  if (capability == "list") return list;
  return remove;
}

// The input schema's property for a capability's argument: by its usual names, else (secret)
// the one required string property.
std::string property_for(const std::string& argument, const Json& schema) {
  const Json properties = schema.is_object() ? schema.value("properties", Json::object()) : Json::object();
  if (!properties.is_object()) return "";
  static const std::vector<std::string> secret = {"path", "name", "key", "secret", "secret_name", "id"};
  static const std::vector<std::string> data = {"data", "value", "values", "fields", "secret_data", "content"};
  static const std::vector<std::string> prefix = {"prefix", "path", "folder", "dir"};
  const auto& names = argument == "data" ? data : argument == "prefix" ? prefix : secret;
  for (const auto& name : names) {
    if (properties.contains(name)) return name;
  }
  if (argument != "secret") return "";
  std::string only;
  for (const auto& name : schema.value("required", Json::array())) {
    if (!name.is_string() || !properties.contains(name.get<std::string>())) continue;
    if (properties[name.get<std::string>()].value("type", "") != "string") continue;
    if (!only.empty()) return "";
    only = name.get<std::string>();
  }
  return only;
}

}  // namespace

Json guess_tool_map(const std::vector<ProbedTool>& tools) {
  static const std::vector<std::string> about_secrets = {"secret", "secrets", "kv", "credential", "credentials", "vault"};
  Json map = Json::object();
  for (const char* name : {"read", "write", "list", "delete"}) {
    const std::string capability = name;
    const ProbedTool* chosen = nullptr;
    for (const auto& tool : tools) {
      const auto words = words_of(tool.name);
      // A verb alone is not enough: jira's get_issue reads no secret.
      if (has_any(words, verbs_of(capability)) && has_any(words, about_secrets)) {
        chosen = &tool;
        break;
      }
    }
    if (!chosen) continue;
    Json entry = {{"tool", chosen->name}};
    Json args = Json::object();
    for (const auto& argument : stack::capability_arguments(capability)) {
      if (const std::string property = property_for(argument, chosen->input_schema); !property.empty()) args[argument] = property;
    }
    if (!args.empty()) entry["args"] = args;
    map[capability] = entry;
  }
  return map.empty() ? Json() : map;
}

}  // namespace mcph::harness::scenario
