#include "mcph/harness/target_profile.h"

#include <nlohmann/json.hpp>
#include <stdexcept>

#include "mcph/harness/service_table.h"

namespace mcph::harness {

namespace {

using Json = nlohmann::json;

const std::vector<TargetProfile>& builtin_profiles() {
  static const std::vector<TargetProfile> profiles = {
      // This repo's servers (servers/): streamable HTTP, traceparent sent on to Vault,
      // `{rows: [...]}` in structured content, "no_credentials: no Jira credentials stored for bob";
      // an initialize answered once authorised; Vault logins with exchanged tokens.
      {"reference", "streamable-http", "traceparent", "auto", "initialize", "exchanged",
       {{"missing_credential", {"credentials stored for ${user}"}}, {"backend_error", {"backend_error: "}}}},
      // The original demo's Python servers: plain JSON-RPC on POST /sse, no traceparent, bare JSON
      // arrays in text content, a missing secret reported as the KV path it read, and a backend's
      // error status in httpx's words (raise_for_status: "Server error '503 Service Unavailable' …");
      // only tools/list and tools/call answered (initialize is "Unknown method"); Vault logins with
      // the caller's own token (role user, its client's audience mcp-client).
      {"demo-python", "legacy-sse-post", "window", "auto", "tools/list", "caller_token",
       {{"missing_credential", {"Secret not found at path: secret/data/users/${user}/"}},
        {"backend_error", {"Server error '", "Client error '"}}}},
  };
  return profiles;
}

std::map<std::string, std::vector<std::string>> parse_failures(const std::string& text, const std::string& where) {
  const Json json = Json::parse(text, nullptr, false);
  const std::string shape = where + " must be an object of failure kind → list of texts";
  if (!json.is_object()) throw std::runtime_error(shape);
  std::map<std::string, std::vector<std::string>> failures;
  for (const auto& [kind, texts] : json.items()) {
    if (!texts.is_array() || texts.empty()) throw std::runtime_error(shape + " (" + kind + ")");
    for (const auto& entry : texts) {
      if (!entry.is_string() || entry.get<std::string>().empty()) throw std::runtime_error(shape + " (" + kind + ")");
      failures[kind].push_back(entry.get<std::string>());
    }
  }
  return failures;
}

}  // namespace

const TargetProfile* builtin_profile(std::string_view name) {
  for (const auto& profile : builtin_profiles()) {
    if (profile.name == name) return &profile;
  }
  return nullptr;
}

std::string builtin_profile_names() {
  std::string names;
  for (const auto& profile : builtin_profiles()) names += (names.empty() ? "" : ", ") + profile.name;
  return names;
}

TargetProfile target_profile(const ServiceEntry& entry, const std::string& name) {
  const std::string field = "services." + name + ".";
  const std::string profile_name = entry.get("profile", "reference");
  const TargetProfile* builtin = builtin_profile(profile_name);
  if (!builtin) {
    throw std::runtime_error(field + "profile: no profile \"" + profile_name + "\" (built in: " + builtin_profile_names() + ")");
  }
  TargetProfile profile = *builtin;
  profile.transport = entry.get("transport", profile.transport);
  if (profile.transport != "streamable-http" && profile.transport != "legacy-sse-post") {
    throw std::runtime_error(field + "transport must be streamable-http or legacy-sse-post");
  }
  profile.correlation = entry.get("correlation", profile.correlation);
  if (profile.correlation != "traceparent" && profile.correlation != "window") {
    throw std::runtime_error(field + "correlation must be \"traceparent\" or \"window\", not \"" + profile.correlation + "\"");
  }
  profile.result_rows = entry.get("result_rows", profile.result_rows);
  if (profile.result_rows != "auto" && (profile.result_rows.empty() || profile.result_rows[0] != '/')) {
    throw std::runtime_error(field + "result_rows must be \"auto\" or a JSON pointer such as /data/items");
  }
  profile.probe = entry.get("probe", profile.probe);
  if (profile.probe != "initialize" && profile.probe != "tools/list") {
    throw std::runtime_error(field + "probe must be \"initialize\" or \"tools/list\", not \"" + profile.probe + "\"");
  }
  profile.vault_login = entry.get("vault_login", profile.vault_login);
  if (profile.vault_login != "exchanged" && profile.vault_login != "caller_token") {
    throw std::runtime_error(field + "vault_login must be \"exchanged\" or \"caller_token\", not \"" + profile.vault_login + "\"");
  }
  if (const auto failures = entry.extra.find("failures"); failures != entry.extra.end()) {
    // Overridden kind by kind: a kind the entry does not name keeps the profile's texts.
    for (auto& [kind, texts] : parse_failures(failures->second, field + "failures")) profile.failures[kind] = std::move(texts);
  }
  return profile;
}

std::vector<std::string> caller_token_servers(const StackFile& stack) {
  std::vector<std::string> servers;
  for (const ServiceRow& row : service_table()) {
    if (!row.mcp_server()) continue;
    const auto it = stack.services.find(row.name);
    if (it != stack.services.end() && target_profile(it->second, row.name).vault_login == "caller_token") {
      servers.push_back(row.name);
    }
  }
  return servers;
}

}  // namespace mcph::harness
