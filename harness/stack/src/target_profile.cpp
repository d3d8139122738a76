#include "mcph/harness/stack/target_profile.h"

#include "mcph/harness/stack/protocol_era.h"

#include <nlohmann/json.hpp>
#include <cstdlib>
#include <set>
#include <stdexcept>

#include "mcph/harness/stack/service_table.h"
#include "mcph/text/choice.h"
#include "mcph/text/join.h"

namespace mcph::harness::stack {

namespace {

using Json = nlohmann::json;

const std::vector<TargetProfile>& builtin_profiles() {
  static const std::vector<TargetProfile> profiles = {
      // This repo's servers (servers/): streamable HTTP, traceparent sent on to Vault,
      // `{rows: [...]}` in structured content, "no_credentials: no Jira credentials stored for bob";
      // an initialize answered once authorised; Vault logins with exchanged tokens.
      {"reference", mcp::Transport::streamable_http, Correlation::traceparent, "auto", "", ProbeMethod::initialize, ServerVaultLogin::exchanged, 3000,
       {{"missing_credential", {"credentials stored for ${user}"}},
        {"backend_error", {"backend_error: "}},
        {"backend_unavailable", {"backend_unavailable: "}},
        {"vault_unavailable", {"vault_unavailable: "}},
        {"database_unavailable", {"database_unavailable: "}},
        {"identity_provider_unavailable", {"identity_provider_unavailable: "}}},
       std::nullopt, std::nullopt, std::nullopt, std::nullopt},
      // The original demo's Python servers: plain JSON-RPC on POST /sse, no traceparent, bare JSON
      // arrays in text content, a missing secret reported as the KV path it read, and a backend's
      // error status in httpx's words (raise_for_status: "Server error '503 Service Unavailable' …");
      // only tools/list and tools/call answered (initialize is "Unknown method"); Vault logins with
      // the caller's own token (role user, its client's audience mcp-client); httpx's default
      // 5-second timeout. An unreachable or silent Vault or backend is only the exception's text
      // ("All connection attempts failed", psycopg2's "connection to server at …", or nothing for
      // a read timeout): no words of its own, so any failure that says something counts.
      {"demo-python", mcp::Transport::legacy_sse_post, Correlation::window, "auto", "", ProbeMethod::tools_list, ServerVaultLogin::caller_token, 5000,
       {{"missing_credential", {"Secret not found at path: secret/data/users/${user}/"}},
        {"backend_error", {"Server error '", "Client error '"}},
        {"backend_unavailable", {}},
        {"vault_unavailable", {}},
        {"database_unavailable", {}},
        {"identity_provider_unavailable", {}}},
       std::nullopt, std::nullopt, std::nullopt, std::nullopt},
      // agent-bridge-mcp (servers/agent_bridge): streamable HTTP on /mcp (and plain JSON-RPC on
      // /mcp/rpc), traceparent sent on to Vault, each call's result in structured content;
      // Vault calls made with a child token of its own parent token, never a user's login; its
      // kv.* tools (tool_map.h); each agent's secrets under secret/data/mcp/<agent>/.
      {"agent-bridge", mcp::Transport::streamable_http, Correlation::traceparent, "auto", "", ProbeMethod::initialize, ServerVaultLogin::exchanged, 3000,
       {{"missing_credential", {}},
        {"backend_error", {"vault_error: "}},
        {"backend_unavailable", {"vault_unavailable: "}},
        {"vault_unavailable", {"vault_unavailable: "}},
        {"database_unavailable", {}},
        {"identity_provider_unavailable", {}}},
       std::nullopt, agent_bridge_tool_map(), provision::agent_bridge_secret_layout(), std::nullopt},
  };
  return profiles;
}

// The entry's "probe" as an object: {"method": "GET", "path": "/hello", "body": …}.
HttpProbe parse_http_probe(const std::string& text, const std::string& where) {
  const Json json = Json::parse(text, nullptr, false);
  const std::string shape = where + " must be \"initialize\", \"tools/list\" or an object {\"method\": \"GET\", \"path\": \"/hello\", \"body\": …}";
  if (!json.is_object()) throw std::runtime_error(shape);
  HttpProbe probe;
  for (const auto& [key, value] : json.items()) {
    if (key != "method" && key != "path" && key != "body") throw std::runtime_error(where + "." + key + ": no such key (method, path, body)");
    if (!value.is_string()) throw std::runtime_error(where + "." + key + " must be a string");
  }
  probe.method = json.value("method", "");
  probe.path = json.value("path", "");
  probe.body = json.value("body", "");
  static const std::set<std::string> methods = {"GET", "POST", "PUT", "PATCH", "DELETE"};
  if (!methods.contains(probe.method)) {
    throw std::runtime_error(where + ".method must be one of GET, POST, PUT, PATCH, DELETE, not \"" + probe.method + "\"");
  }
  if (!probe.path.starts_with("/")) throw std::runtime_error(where + ".path must start with / (from the server's origin), not \"" + probe.path + "\"");
  return probe;
}

// A profile's `failures` overrides, kind by kind; a kind no profile has is a typo, refused.
std::map<std::string, std::vector<std::string>> parse_failures(const std::string& text, const std::string& where,
                                                               const TargetProfile& profile) {
  const Json json = Json::parse(text, nullptr, false);
  const std::string shape = where + " must be an object of failure kind → list of texts";
  if (!json.is_object()) throw std::runtime_error(shape);
  std::map<std::string, std::vector<std::string>> failures;
  for (const auto& [kind, texts] : json.items()) {
    if (!profile.failures.count(kind)) {
      throw std::runtime_error(where + ": unknown failure kind \"" + kind + "\" (known: " +
                               text::join(profile.failures, ", ", [](const auto& known) -> const auto& { return known.first; }) +
                               ")");
    }
    if (!texts.is_array()) throw std::runtime_error(shape + " (" + kind + ")");
    failures[kind];  // [] : no stable words, any failure that says something
    for (const auto& entry : texts) {
      if (!entry.is_string() || entry.get<std::string>().empty()) throw std::runtime_error(shape + " (" + kind + ")");
      failures[kind].push_back(entry.get<std::string>());
    }
  }
  return failures;
}

// The value a stack entry's key names, else an error naming the key and the choices.
template <typename Enum, std::size_t N>
Enum choice(const std::string& written, const std::array<std::string_view, N>& names, const std::string& key) {
  if (const auto value = text::choice_of<Enum>(written, names)) return *value;
  throw std::runtime_error(key + " must be " + text::choices(names) + ", not \"" + written + "\"");
}

}  // namespace

const TargetProfile* builtin_profile(std::string_view name) {
  for (const auto& profile : builtin_profiles()) {
    if (profile.name == name) return &profile;
  }
  return nullptr;
}

std::string builtin_profile_names() { return text::join(builtin_profiles(), ", ", &TargetProfile::name); }

TargetProfile target_profile(const ServiceEntry& entry, const std::string& name) {
  const std::string field = "services." + name + ".";
  const std::string profile_name = (entry.mcp.profile.empty() ? std::string("reference") : entry.mcp.profile);
  const TargetProfile* builtin = builtin_profile(profile_name);
  if (!builtin) {
    throw std::runtime_error(field + "profile: no profile \"" + profile_name + "\" (built in: " + builtin_profile_names() + ")");
  }
  TargetProfile profile = *builtin;
  if (!entry.mcp.transport.empty()) profile.transport = choice<mcp::Transport>(entry.mcp.transport, mcp::kTransports, field + "transport");
  if (!entry.mcp.correlation.empty()) profile.correlation = choice<Correlation>(entry.mcp.correlation, kCorrelations, field + "correlation");
  if (!entry.mcp.result_rows.empty()) profile.result_rows = entry.mcp.result_rows;
  if (profile.result_rows != "auto" && (profile.result_rows.empty() || profile.result_rows[0] != '/')) {
    throw std::runtime_error(field + "result_rows must be \"auto\" or a JSON pointer such as /data/items");
  }
  if (!entry.mcp.result_columns.empty()) profile.result_columns = entry.mcp.result_columns;
  if (!profile.result_columns.empty() && profile.result_columns[0] != '/') {
    throw std::runtime_error(field + "result_columns must be a JSON pointer such as /columns");
  }
  if (entry.mcp.probe.starts_with("{")) {
    profile.http_probe = parse_http_probe(entry.mcp.probe, field + "probe");
  } else if (!entry.mcp.probe.empty()) {
    profile.probe = choice<ProbeMethod>(entry.mcp.probe, kProbeMethods, field + "probe");
  }
  if (!entry.mcp.vault_login.empty()) profile.vault_login = choice<ServerVaultLogin>(entry.mcp.vault_login, kServerVaultLogins, field + "vault_login");
  if (!entry.mcp.authorization_server.empty() && entry.mcp.authorization_server != "none") {
    throw std::runtime_error(field + "authorization_server must be \"none\" (the server has no authorization server), not \"" +
                             entry.mcp.authorization_server + "\"; one it has is named by auth.client_credentials.issuer");
  }
  const std::string timeout =
      entry.mcp.dependency_timeout_ms.empty() ? std::to_string(profile.dependency_timeout_ms) : entry.mcp.dependency_timeout_ms;
  profile.dependency_timeout_ms = std::atoi(timeout.c_str());
  if (timeout.empty() || timeout.find_first_not_of("0123456789") != std::string::npos || profile.dependency_timeout_ms <= 0) {
    throw std::runtime_error(field + "dependency_timeout_ms must be a whole number of milliseconds above 0, not \"" + timeout + "\"");
  }
  if (!entry.mcp.failures.empty()) {
    // Overridden kind by kind: a kind the entry does not name keeps the profile's texts.
    for (auto& [kind, texts] : parse_failures(entry.mcp.failures, field + "failures", profile)) profile.failures[kind] = std::move(texts);
  }
  if (entry.mcp.auth) profile.auth = auth_profile(*entry.mcp.auth, field + "auth");
  if (!entry.mcp.tools.empty()) profile.tools = parse_tool_map(entry.mcp.tools, field + "tools", profile.tools.value_or(ToolMap{}));
  if (!entry.mcp.secrets.empty()) {
    profile.secrets = parse_secret_layout(entry.mcp.secrets, field + "secrets", profile.secrets.value_or(provision::SecretLayout{}));
  }
  if (profile.auth && !profile.auth->names.empty()) {
    // The server's own names of its agents are what its layout's {agent} stands for.
    profile.secrets = profile.secrets.value_or(provision::SecretLayout{});
    profile.secrets->names = profile.auth->names;
  }
  (void)protocol_era(entry, name);  // an unknown era is the entry's error, found when it is read
  return profile;
}

std::vector<std::string> caller_token_servers(const StackFile& stack) {
  std::vector<std::string> servers;
  for (const ServiceRow& row : service_table()) {
    if (!row.users_mcp_server()) continue;
    const ServiceEntry* entry = stack.find_service(row.name);
    if (entry && target_profile(*entry, row.name).vault_login == ServerVaultLogin::caller_token) {
      servers.push_back(row.name);
    }
  }
  return servers;
}

}  // namespace mcph::harness::stack
