#include "mcph/harness/stack/stack_file.h"

#include <algorithm>
#include <nlohmann/json.hpp>
#include <stdexcept>

#include "mcph/harness/stack/workload_tool_map.h"
#include "unknown_key.h"
#include "mcph/harness/stack/service_table.h"
#include "mcph/harness/stack/stack_params.h"
#include "mcph/harness/stack/target_profile.h"
#include "mcph/harness/fixtures/text_file.h"
#include "mcph/text/join.h"

namespace mcph::harness::stack {

using Json = nlohmann::json;

namespace {

SupervisorEntry parse_supervisor(const Json& json, const std::string& origin) {
  if (!json.is_object()) throw std::runtime_error(origin + ": 'supervisor' must be an object");
  SupervisorEntry supervisor;
  const auto pid = json.find("pid");
  if (pid == json.end() || !pid->is_number_integer() || pid->get<long long>() <= 0 ||
      pid->get<long long>() > 0x7fffffff) {
    throw std::runtime_error(origin + ": supervisor.pid must be a positive integer");
  }
  supervisor.pid = pid->get<int>();
  if (const auto log = json.find("log"); log != json.end()) {
    if (!log->is_string()) throw std::runtime_error(origin + ": supervisor.log must be a string");
    supervisor.log = log->get<std::string>();
  }
  if (const auto ticks = json.find("start_ticks"); ticks != json.end()) {
    if (!ticks->is_number_unsigned()) {
      throw std::runtime_error(origin + ": supervisor.start_ticks must be a non-negative integer");
    }
    supervisor.start_ticks = ticks->get<std::uint64_t>();
  }
  if (const auto removes = json.find("removes_run_dir"); removes != json.end()) {
    if (!removes->is_boolean()) throw std::runtime_error(origin + ": supervisor.removes_run_dir must be true or false");
    supervisor.removes_run_dir = removes->get<bool>();
  }
  return supervisor;
}

// services.NAME.behind_fault_proxy: true (every proxy of the fault proxy), false, or a list of
// the proxies' names.
std::vector<std::string> parse_behind_fault_proxy(const Json& json, const std::string& field) {
  const std::vector<std::string> targets = fault_proxy_targets();
  const std::string names = text::join(targets);
  if (json.is_boolean()) return json.get<bool>() ? targets : std::vector<std::string>{};
  if (!json.is_array()) throw std::runtime_error(field + " must be true, false or a list of " + names);
  std::vector<std::string> behind;
  for (const auto& item : json) {
    const std::string name = item.is_string() ? item.get<std::string>() : item.dump();
    if (std::find(targets.begin(), targets.end(), name) == targets.end()) {
      throw std::runtime_error(field + ": the fault proxy has no proxy \"" + name + "\" (" + names + ")");
    }
    if (std::find(behind.begin(), behind.end(), name) == behind.end()) behind.push_back(name);
  }
  return behind;
}


// The keys of a service whose value is text, and where each lives in the entry.
struct TextKey {
  const char* name;
  std::string& (*field)(ServiceEntry&);
};
const std::vector<TextKey>& text_keys() {
  static const std::vector<TextKey> keys = {
      {"log", [](ServiceEntry& e) -> std::string& { return e.log; }},
      {"implementation", [](ServiceEntry& e) -> std::string& { return e.implementation; }},
      {"version", [](ServiceEntry& e) -> std::string& { return e.version; }},
      {"health_url", [](ServiceEntry& e) -> std::string& { return e.health_url; }},
      {"url_inside", [](ServiceEntry& e) -> std::string& { return e.url_inside; }},
      {"url_for_servers", [](ServiceEntry& e) -> std::string& { return e.url_for_servers; }},
      {"workload_api", [](ServiceEntry& e) -> std::string& { return e.workload_api; }},
      {"spire_server", [](ServiceEntry& e) -> std::string& { return e.spire_server; }},
      {"spire_admin_socket", [](ServiceEntry& e) -> std::string& { return e.spire_admin_socket; }},
      {"spire_signing_keys", [](ServiceEntry& e) -> std::string& { return e.spire_signing_keys; }},
      {"plays", [](ServiceEntry& e) -> std::string& { return e.plays; }},
      {"admin_user", [](ServiceEntry& e) -> std::string& { return e.idp.admin_user; }},
      {"admin_password", [](ServiceEntry& e) -> std::string& { return e.idp.admin_password; }},
      {"pool_id", [](ServiceEntry& e) -> std::string& { return e.idp.pool_id; }},
      {"app_client_id", [](ServiceEntry& e) -> std::string& { return e.idp.app_client_id; }},
      {"app_client_secret", [](ServiceEntry& e) -> std::string& { return e.idp.app_client_secret; }},
      {"issuer", [](ServiceEntry& e) -> std::string& { return e.idp.issuer; }},
      {"identities_file", [](ServiceEntry& e) -> std::string& { return e.idp.identities_file; }},
      {"vault_audience", [](ServiceEntry& e) -> std::string& { return e.idp.vault_audience; }},
      {"token", [](ServiceEntry& e) -> std::string& { return e.vault.token; }},
      {"audit_log", [](ServiceEntry& e) -> std::string& { return e.vault.audit_log; }},
      {"binary", [](ServiceEntry& e) -> std::string& { return e.vault.binary; }},
      {"transport", [](ServiceEntry& e) -> std::string& { return e.mcp.transport; }},
      {"protocol", [](ServiceEntry& e) -> std::string& { return e.mcp.protocol; }},
      {"profile", [](ServiceEntry& e) -> std::string& { return e.mcp.profile; }},
      {"correlation", [](ServiceEntry& e) -> std::string& { return e.mcp.correlation; }},
      {"result_rows", [](ServiceEntry& e) -> std::string& { return e.mcp.result_rows; }},
      {"result_columns", [](ServiceEntry& e) -> std::string& { return e.mcp.result_columns; }},
      {"probe", [](ServiceEntry& e) -> std::string& { return e.mcp.probe; }},
      {"vault_login", [](ServiceEntry& e) -> std::string& { return e.mcp.vault_login; }},
      {"dependency_timeout_ms", [](ServiceEntry& e) -> std::string& { return e.mcp.dependency_timeout_ms; }},
      {"scope", [](ServiceEntry& e) -> std::string& { return e.mcp.scope; }},
      {"client_id", [](ServiceEntry& e) -> std::string& { return e.mcp.client_id; }},
      {"write_scope", [](ServiceEntry& e) -> std::string& { return e.mcp.write_scope; }},
      {"broader_scope", [](ServiceEntry& e) -> std::string& { return e.mcp.broader_scope; }},
      {"backend", [](ServiceEntry& e) -> std::string& { return e.mcp.backend; }},
      {"authorization_server", [](ServiceEntry& e) -> std::string& { return e.mcp.authorization_server; }},
      {"upstream", [](ServiceEntry& e) -> std::string& { return e.proxy.upstream; }},
      {"ca_file", [](ServiceEntry& e) -> std::string& { return e.proxy.ca_file; }},
  };
  return keys;
}

// The text keys of each object of an "auth" entry, and the struct member each fills.
template <class Part>
struct PartKey {
  const char* name;
  std::string Part::*member;
};

template <class Part>
Part parse_part(const Json& json, const std::vector<PartKey<Part>>& keys, const std::string& field) {
  if (!json.is_object()) throw std::runtime_error(field + " must be an object");
  Part part;
  for (auto item = json.begin(); item != json.end(); ++item) {
    const std::string key = item.key();
    const auto known = std::find_if(keys.begin(), keys.end(), [&](const PartKey<Part>& k) { return key == k.name; });
    if (known == keys.end()) {
      std::vector<std::string> names;
      for (const auto& k : keys) names.emplace_back(k.name);
      refuse_unknown_key(field, key, names);
    } else if (!item->is_string()) {
      throw std::runtime_error(field + "." + key + " must be a string");
    } else {
      part.*(known->member) = item->template get<std::string>();
    }
  }
  return part;
}

template <class Part>
Json part_json(const Part& part, const std::vector<PartKey<Part>>& keys) {
  Json json = Json::object();
  for (const auto& key : keys) {
    if (const std::string& value = part.*(key.member); !value.empty()) json[key.name] = value;
  }
  return json;
}

const std::vector<PartKey<ApiKeyAuth>> kApiKeyKeys = {{"header", &ApiKeyAuth::header}, {"keys_file", &ApiKeyAuth::keys_file}};
const std::vector<PartKey<StaticJwtAuth>> kStaticJwtKeys = {{"alg", &StaticJwtAuth::alg},
                                                            {"key_file", &StaticJwtAuth::key_file},
                                                            {"iss", &StaticJwtAuth::iss},
                                                            {"aud", &StaticJwtAuth::aud},
                                                            {"kid", &StaticJwtAuth::kid},
                                                            {"scope_claim", &StaticJwtAuth::scope_claim},
                                                            {"scope_form", &StaticJwtAuth::scope_form}};
const std::vector<PartKey<MtlsAuth>> kMtlsKeys = {{"proxy_url", &MtlsAuth::proxy_url},
                                                  {"direct_url", &MtlsAuth::direct_url},
                                                  {"server_ca_file", &MtlsAuth::server_ca_file},
                                                  {"client_ca_cert", &MtlsAuth::client_ca_cert},
                                                  {"client_ca_key", &MtlsAuth::client_ca_key}};
const std::vector<PartKey<ProxyHeadersAuth>> kProxyHeadersKeys = {{"dn_header", &ProxyHeadersAuth::dn_header},
                                                                  {"verify_header", &ProxyHeadersAuth::verify_header}};
const std::vector<PartKey<ClientCredentialsAuth>> kClientCredentialsKeys = {
    {"token_url", &ClientCredentialsAuth::token_url},
    {"clients_file", &ClientCredentialsAuth::clients_file},
    {"method", &ClientCredentialsAuth::method},
    {"scope", &ClientCredentialsAuth::scope},
    {"issuer", &ClientCredentialsAuth::issuer},
    {"audience", &ClientCredentialsAuth::audience}};

// A list of the agents' names, or an object of agent → the server's own name for it: each name
// non-empty, and no two agents with one name (the server could not tell them apart).
void parse_agents(const Json& value, const std::string& where, AgentAuthFields& auth) {
  const std::string form = " must be a list of agent names, or an object of agent → the server's name for it";
  const auto name_of = [&](const Json& name) {
    if (!name.is_string() || name.get<std::string>().empty()) throw std::runtime_error(where + form);
    return name.get<std::string>();
  };
  if (value.is_array()) {
    for (const auto& agent : value) auth.agents.push_back(name_of(agent));
    return;
  }
  if (!value.is_object()) throw std::runtime_error(where + form);
  std::map<std::string, std::string> agent_named;
  for (const auto& [agent, name] : value.items()) {
    if (agent.empty()) throw std::runtime_error(where + form);
    const std::string server_name = name_of(name);
    if (const auto [other, fresh] = agent_named.emplace(server_name, agent); !fresh) {
      throw std::runtime_error(where + ": " + other->second + " and " + agent + " are both \"" + server_name + "\" to the server");
    }
    auth.agents.push_back(agent);
    auth.names[agent] = server_name;
  }
}

AgentAuthFields parse_auth(const Json& json, const std::string& field) {
  if (!json.is_object()) throw std::runtime_error(field + " must be an object");
  AgentAuthFields auth;
  for (const auto& [key, value] : json.items()) {
    const std::string where = field + "." + key;
    if (key == "default") {
      if (!value.is_string()) throw std::runtime_error(where + " must be a string");
      auth.default_kind = value.get<std::string>();
    } else if (key == "agents") {
      parse_agents(value, where, auth);
    } else if (key == "api_key") {
      auth.api_key = parse_part(value, kApiKeyKeys, where);
    } else if (key == "static_jwt") {
      auth.static_jwt = parse_part(value, kStaticJwtKeys, where);
    } else if (key == "mtls") {
      auth.mtls = parse_part(value, kMtlsKeys, where);
    } else if (key == "proxy_headers") {
      auth.proxy_headers = parse_part(value, kProxyHeadersKeys, where);
    } else if (key == "client_credentials") {
      auth.client_credentials = parse_part(value, kClientCredentialsKeys, where);
    } else if (key == "keycloak_user") {
      if (!value.is_boolean()) throw std::runtime_error(where + " must be true or false");
      auth.keycloak_user_jwts = value.get<bool>();
    } else {
      refuse_unknown_key(field, key, {"default", "agents", "api_key", "static_jwt", "mtls", "proxy_headers",
                                      "client_credentials", "keycloak_user"});
    }
  }
  return auth;
}

Json auth_json(const AgentAuthFields& auth) {
  Json json = Json::object();
  if (!auth.default_kind.empty()) json["default"] = auth.default_kind;
  if (!auth.names.empty()) {
    json["agents"] = auth.names;
  } else if (!auth.agents.empty()) {
    json["agents"] = auth.agents;
  }
  if (auth.api_key) json["api_key"] = part_json(*auth.api_key, kApiKeyKeys);
  if (auth.static_jwt) json["static_jwt"] = part_json(*auth.static_jwt, kStaticJwtKeys);
  if (auth.mtls) json["mtls"] = part_json(*auth.mtls, kMtlsKeys);
  if (auth.proxy_headers) json["proxy_headers"] = part_json(*auth.proxy_headers, kProxyHeadersKeys);
  if (auth.client_credentials) json["client_credentials"] = part_json(*auth.client_credentials, kClientCredentialsKeys);
  if (auth.keycloak_user_jwts) json["keycloak_user"] = *auth.keycloak_user_jwts;
  return json;
}

const TextKey* find_text_key(const std::string& name) {
  for (const TextKey& key : text_keys()) {
    if (name == key.name) return &key;
  }
  return nullptr;
}

Json entry_json(const ServiceEntry& service) {
  Json entry = {{"url", service.url}};
  if (service.pid > 0) entry["pid"] = service.pid;
  ServiceEntry fields = service;  // the table's accessors take an entry they may write
  for (const TextKey& key : text_keys()) {
    if (const std::string& value = key.field(fields); !value.empty()) entry[key.name] = value;
  }
  if (!service.mcp.failures.empty()) entry["failures"] = Json::parse(service.mcp.failures, nullptr, false);
  if (service.mcp.probe.starts_with("{")) entry["probe"] = Json::parse(service.mcp.probe, nullptr, false);  // a plain HTTP request
  if (service.mcp.rate_limit) entry["rate_limit"] = service.mcp.rate_limit->to_string();
  if (service.mcp.refused_rate_limit) entry["refused_rate_limit"] = service.mcp.refused_rate_limit->to_string();
  if (!service.mcp.behind_fault_proxy.empty()) entry["behind_fault_proxy"] = service.mcp.behind_fault_proxy;
  if (!service.mcp.clients.empty()) entry["clients"] = service.mcp.clients;
  if (!service.agent_ids.empty()) entry["agent_ids"] = service.agent_ids;
  if (service.mcp.auth) entry["auth"] = auth_json(*service.mcp.auth);
  if (service.mcp.policy) entry["policy"] = policy_profile_json(*service.mcp.policy);
  if (!service.mcp.workload_tools.empty()) entry["workload_tools"] = Json::parse(service.mcp.workload_tools, nullptr, false);
  if (!service.mcp.tools.empty()) entry["tools"] = Json::parse(service.mcp.tools, nullptr, false);
  if (!service.mcp.secrets.empty()) entry["secrets"] = Json::parse(service.mcp.secrets, nullptr, false);
  return entry;
}

// services.NAME.clients: a list of client ids.
std::vector<std::string> parse_client_list(const Json& json, const std::string& field) {
  std::vector<std::string> clients;
  if (json.is_array()) {
    for (const auto& client : json) {
      if (!client.is_string() || client.get<std::string>().empty()) break;
      clients.push_back(client.get<std::string>());
    }
  }
  if (!json.is_array() || clients.size() != json.size()) throw std::runtime_error(field + " must be a list of client ids");
  return clients;
}

RateLimit parse_rate_limit(const Json& value, const std::string& field) {
  const std::string written = value.is_string() ? value.get<std::string>() : value.dump();
  const std::optional<RateLimit> limit = RateLimit::parse(written);
  if (!limit) throw std::runtime_error(field + " must be REQUESTS/WINDOWms (20/1000ms) or none, not " + value.dump());
  return *limit;
}

// services.spiffe.agent_ids: an object of role → the SPIFFE ID of that role's agent.
std::map<std::string, std::string> parse_agent_ids(const Json& json, const std::string& field) {
  const std::string form = " must be an object of agent role → its SPIFFE ID ({\"trusted-agent\": \"spiffe://…\"})";
  if (!json.is_object()) throw std::runtime_error(field + form);
  std::map<std::string, std::string> ids;
  for (const auto& [role, id] : json.items()) {
    if (role.empty() || !id.is_string() || !id.get<std::string>().starts_with("spiffe://")) throw std::runtime_error(field + form);
    ids[role] = id.get<std::string>();
  }
  return ids;
}

ServiceEntry parse_entry(const Json& entry, const std::string& field) {
  if (!entry.is_object() || !entry.contains("url") || !entry["url"].is_string()) {
    throw std::runtime_error(field + " needs a string 'url'");
  }
  ServiceEntry service;
  for (const auto& [key, value] : entry.items()) {
    const TextKey* text = find_text_key(key);
    if (key == "url") {
      service.url = value.get<std::string>();
    } else if (key == "pid") {
      if (!value.is_number_integer()) throw std::runtime_error(field + ".pid must be an integer");
      service.pid = value.get<int>();
    } else if (text) {
      text->field(service) = value.is_string() ? value.get<std::string>() : value.dump();
    } else if (key == "failures") {
      service.mcp.failures = value.is_string() ? value.get<std::string>() : value.dump();
    } else if (key == "rate_limit") {
      service.mcp.rate_limit = parse_rate_limit(value, field + ".rate_limit");
    } else if (key == "refused_rate_limit") {
      service.mcp.refused_rate_limit = parse_rate_limit(value, field + ".refused_rate_limit");
    } else if (key == "behind_fault_proxy") {
      service.mcp.behind_fault_proxy = parse_behind_fault_proxy(value, field + ".behind_fault_proxy");
    } else if (key == "clients") {
      service.mcp.clients = parse_client_list(value, field + ".clients");
    } else if (key == "agent_ids") {
      service.agent_ids = parse_agent_ids(value, field + ".agent_ids");
    } else if (key == "auth") {
      service.mcp.auth = parse_auth(value, field + ".auth");
    } else if (key == "policy") {
      service.mcp.policy = parse_policy_profile(value, field + ".policy");
    } else if (key == "workload_tools") {
      service.mcp.workload_tools = value.dump();
    } else if (key == "tools") {
      service.mcp.tools = value.dump();  // read by target_profile (tool_map.h)
    } else if (key == "secrets") {
      service.mcp.secrets = value.dump();  // read by target_profile (secret_layout.h)
    } else {
      std::vector<std::string> known = {"url", "pid", "failures", "rate_limit", "refused_rate_limit", "behind_fault_proxy", "clients", "agent_ids",
                                        "auth", "policy", "workload_tools", "tools", "secrets"};
      for (const TextKey& text_key : text_keys()) known.emplace_back(text_key.name);
      refuse_unknown_key(field, key, known);
    }
  }
  if (!service.mcp.workload_tools.empty()) {
    check_workload_tools(parse_workload_tool_map(Json::parse(service.mcp.workload_tools), field + ".workload_tools"),
                         workload_policy_of(service), field + ".workload_tools");
  }
  return service;
}

// The roles an entry may play: the MCP servers of the service table, which the scenario files
// address by name.
std::vector<std::string> playable_roles() {
  std::vector<std::string> roles;
  for (const ServiceRow& row : service_table()) {
    if (row.mcp_server()) roles.push_back(row.name);
  }
  return roles;
}

// Each role played by one entry at most, and only roles there are: a scenario addressing a role
// must reach exactly one server.
void check_roles_played(const std::map<std::string, ServiceEntry>& services, const std::string& origin) {
  const std::vector<std::string> roles = playable_roles();
  std::map<std::string, std::string> player;  // role → the entry that plays it
  for (const auto& [name, entry] : services) {
    if (entry.plays.empty()) continue;
    const std::string field = origin + ": services." + name + ".plays";
    if (std::find(roles.begin(), roles.end(), entry.plays) == roles.end()) {
      throw std::runtime_error(field + ": no role \"" + entry.plays + "\" (the roles: " + text::join(roles, ", ") + ")");
    }
    if (services.contains(entry.plays)) {
      throw std::runtime_error(field + ": the stack has an entry " + entry.plays + " of its own, which plays it already");
    }
    if (const auto [it, first] = player.emplace(entry.plays, name); !first) {
      throw std::runtime_error(field + ": " + it->second + " plays " + entry.plays + " already (one entry per role)");
    }
  }
}

}  // namespace

ServiceEntry parse_service_entry(const std::string& json, const std::string& field) {
  const Json entry = Json::parse(json, nullptr, false);
  if (entry.is_discarded()) throw std::runtime_error(field + ": not JSON");
  return parse_entry(entry, field);
}

std::string StackFile::serving(const std::string& role) const {
  if (services.contains(role)) return role;
  for (const auto& [name, entry] : services) {
    if (entry.plays == role) return name;
  }
  return "";
}

std::string StackFile::role_of(const std::string& name) const {
  const auto it = services.find(name);
  return it == services.end() || it->second.plays.empty() ? name : it->second.plays;
}

const ServiceEntry& StackFile::service(const std::string& name) const {
  auto it = services.find(serving(name));
  if (it == services.end()) throw std::runtime_error("the stack file has no service '" + name + "'");
  return it->second;
}

const idp::IdentityProvider& StackFile::identity_provider() const { return harness::idp::identity_provider(idp); }

idp::IdentityProviderSite StackFile::identity_provider_site(const std::filesystem::path& fixtures_dir) const {
  const ServiceEntry& entry = service(identity_provider().service());
  idp::IdentityProviderSite site{realm, entry.url, entry.url_inside, entry.url_for_servers, entry.idp, fixtures_dir, {}};
  site.fields.identities_file = resolve(site.fields.identities_file);
  return site;
}

const ServiceEntry* StackFile::find_service(const std::string& name) const {
  auto it = services.find(serving(name));
  return it == services.end() ? nullptr : &it->second;
}

std::string StackFile::to_json() const {
  Json out = {{"mode", to_string(mode)}, {"idp", to_string(idp)}, {"realm", realm}, {"services", Json::object()}};
  if (generated_users) out["generated_users"] = *generated_users;
  for (const auto& [name, service] : services) out["services"][name] = entry_json(service);
  if (!services_left_out.empty()) out["services_left_out"] = services_left_out;
  if (supervisor) {
    Json entry = {{"pid", supervisor->pid}};
    if (!supervisor->log.empty()) entry["log"] = supervisor->log;
    if (supervisor->start_ticks > 0) entry["start_ticks"] = supervisor->start_ticks;
    entry["removes_run_dir"] = supervisor->removes_run_dir;
    out["supervisor"] = entry;
  }
  return out.dump(2) + "\n";
}

StackFile StackFile::parse(const std::string& text, const std::string& origin) {
  // Comments (// and /* */) are skipped: a hand-written file may say why a value is what it is.
  const Json json = Json::parse(text, nullptr, false, true);
  if (!json.is_object()) throw std::runtime_error(origin + ": not a JSON object");
  for (const auto& [key, value] : json.items()) {
    if (key != "mode" && key != "idp" && key != "realm" && key != "services" && key != "generated_users" &&
        key != "services_left_out" && key != "supervisor") {
      refuse_unknown_key(origin, key, {"mode", "idp", "realm", "services", "generated_users", "services_left_out", "supervisor"});
    }
  }
  StackFile stack;
  const std::string mode = json.value("mode", "external");
  const auto parsed_mode = parse_stack_mode(mode);
  if (!parsed_mode) throw std::runtime_error(origin + ": mode must be local, real, compose or external, not '" + mode + "'");
  stack.mode = *parsed_mode;
  stack.realm = json.value("realm", "mcp-demo");
  if (const auto users = json.find("generated_users"); users != json.end()) {
    if (!users->is_number_integer() || users->get<long long>() < 0) {
      throw std::runtime_error(origin + ": generated_users must be a non-negative integer");
    }
    stack.generated_users = users->get<int>();
  }
  const auto services = json.find("services");
  if (services == json.end() || !services->is_object()) throw std::runtime_error(origin + ": no 'services' object");
  if (const auto idp = json.find("idp"); idp != json.end()) {
    const auto parsed = idp->is_string() ? idp::parse_identity_provider(idp->get<std::string>()) : std::nullopt;
    if (!parsed) throw std::runtime_error(origin + ": idp must be " + idp::identity_provider_names() + ", not " + idp->dump());
    stack.idp = *parsed;
  } else if (services->contains("cognito") && !services->contains("keycloak")) {
    stack.idp = idp::IdentityProviderKind::cognito;
  }
  for (const auto& [name, entry] : services->items()) {
    ServiceEntry service = parse_entry(entry, origin + ": services." + name);
    try {
      (void)target_profile(service, name);  // an unknown profile or a bad override fails here, not mid-run
    } catch (const std::runtime_error& e) {
      throw std::runtime_error(origin + ": " + e.what());
    }
    stack.services[name] = std::move(service);
  }
  check_roles_played(stack.services, origin);
  if (const auto left_out = json.find("services_left_out"); left_out != json.end()) {
    if (!left_out->is_object()) throw std::runtime_error(origin + ": services_left_out must be an object");
    for (const auto& [name, why] : left_out->items()) {
      if (!why.is_string()) throw std::runtime_error(origin + ": services_left_out." + name + " must be a string");
      stack.services_left_out[name] = why.get<std::string>();
    }
  }
  if (const auto supervisor = json.find("supervisor"); supervisor != json.end()) {
    stack.supervisor = parse_supervisor(*supervisor, origin);
  }
  return stack;
}

StackFile StackFile::load(const std::filesystem::path& path) {
  const auto text = fixtures::read_text_file(path);
  if (!text) throw std::runtime_error("cannot read stack file " + path.string() + " (did `mcp-harness up` run?)");
  StackFile stack = parse(*text, path.string());
  stack.directory = std::filesystem::absolute(path).parent_path();
  return stack;
}

std::string StackFile::resolve(const std::string& path) const {
  if (path.empty() || directory.empty() || std::filesystem::path(path).is_absolute()) return path;
  return (directory / path).lexically_normal().string();
}

void StackFile::save(const std::filesystem::path& path) const {
  fixtures::write_private_file(path, to_json());  // it holds Vault's root token and the admin's password
}

}  // namespace mcph::harness::stack
