#include "kv_tools.h"

#include "mcph/agent_bridge/child_token.h"
#include "mcph/agent_bridge/kv_path.h"
#include "mcph/agent_bridge/scopes.h"
#include "mcph/http/url.h"

namespace mcph::agent_bridge {
namespace {

using Json = nlohmann::json;

KvOutcome rpc_error(int code, std::string message) {
  KvOutcome outcome;
  outcome.rpc_code = code;
  outcome.message = std::move(message);
  return outcome;
}

KvOutcome refusal(int status, std::string message) {
  KvOutcome outcome = rpc_error(-32000, std::move(message));
  outcome.status = status;
  return outcome;
}

struct Operation {
  const char* scope;
  const char* method;
  const char* area;  // "data" or "metadata"
  bool path_optional;
};

const Operation* operation_of(const std::string& tool) {
  static const Operation read{"read", "GET", "data", false}, write{"write", "POST", "data", false},
      list{"list", "LIST", "metadata", true}, remove{"delete", "DELETE", "data", false};
  if (tool == "kv.read") return &read;
  if (tool == "kv.write") return &write;
  if (tool == "kv.list") return &list;
  if (tool == "kv.delete") return &remove;
  return nullptr;
}

// The token the KV call uses: a child of the parent token, bound to the agent's policy.
std::string child_token(vault::Client& vault, const KvSettings& settings, const Agent& agent) {
  if (settings.unsafe_no_child_token) return settings.parent_token;
  const ChildTokenRequest request =
      child_token_request(agent.id, settings.token_role, settings.child_ttl_seconds, settings.child_num_uses);
  try {
    const Json answer = Json::parse(vault.call("POST", request.path, settings.parent_token, request.body));
    return answer.at("auth").at("client_token").get<std::string>();
  } catch (const vault::VaultError&) {
    if (settings.unsafe_fail_open_child_token) return settings.parent_token;
    throw;
  }
}

KvOutcome run(const KvSettings& settings, const KvCaller& caller, const Operation& op, const std::string& raw_path,
              const Json& data) {
  const Agent& agent = caller.agent;
  if (!has_scope(agent.scopes, op.scope, settings.unsafe_scope_substring)) {
    KvOutcome outcome = refusal(403, std::string("insufficient_scope: this call needs scope ") + op.scope);
    outcome.missing_scope = op.scope;
    return outcome;
  }
  std::string path;
  if (!(op.path_optional && raw_path.empty())) {
    const ConfinedPath confined = settings.unsafe_single_pass_dotdot ? single_pass_dotdot(raw_path) : confine_path(raw_path);
    if (!confined.path) return rpc_error(-32602, "path refused: " + confined.refusal);
    // Each segment encoded: a '?' or '#' in a name stays part of the name, never a query.
    path = "/" + http::percent_encode_segments(*confined.path);
  }
  const std::string vault_path = settings.mount + "/" + op.area + "/mcp/" + agent.id + path;
  try {
    return settings.vault_clients->with_client([&](vault::Client& vault) {
      vault.continue_trace(caller.trace);  // a kept client's last trace was another call's
      const std::string token = child_token(vault, settings, agent);
      const std::string method = op.method == std::string("LIST") ? "GET" : op.method;
      const std::string target = op.method == std::string("LIST") ? vault_path + "?list=true" : vault_path;
      const vault::RawResponse answer =
          vault.request(method, target, token, op.method == std::string("POST") ? Json{{"data", data}}.dump() : "");
      KvOutcome outcome;
      if (answer.status == 404) {
        outcome.result = {{"found", false}};
        if (settings.unsafe_not_found_names_vault) {
          outcome.result["detail"] = "Vault answered 404 at " + settings.vault_url + "/v1/" + vault_path;
        }
        if (op.scope == std::string("list")) outcome.result["keys"] = Json::array();
        return outcome;
      }
      if (answer.status == 403) return rpc_error(-32001, "vault_access_denied: Vault's policy refused the call");
      if (answer.status >= 300) return rpc_error(-32002, "vault_error: Vault answered " + std::to_string(answer.status));
      const Json body = answer.body.empty() ? Json::object() : Json::parse(answer.body, nullptr, false);
      outcome.result = {{"found", true}};
      if (op.scope == std::string("read")) outcome.result["data"] = body["data"]["data"];
      if (op.scope == std::string("list")) outcome.result["keys"] = body["data"]["keys"];
      if (op.scope == std::string("write")) outcome.result["version"] = body["data"]["version"];
      return outcome;
    });
  } catch (const vault::VaultError& e) {
    if (e.status() >= 500) return refusal(503, "vault_unavailable: Vault could not create the call's token");
    return rpc_error(-32001, "vault_access_denied: Vault refused to create the call's token (" + std::to_string(e.status()) + ")");
  } catch (const std::exception&) {
    return refusal(503, "vault_unavailable: Vault did not answer");
  }
}

}  // namespace

std::shared_ptr<http::ClientPool<vault::Client>> vault_clients_for(const KvSettings& settings) {
  constexpr std::size_t kMaxIdle = 64;
  return std::make_shared<http::ClientPool<vault::Client>>(kMaxIdle, [url = settings.vault_url, timeout = settings.timeout] {
    http::ClientOptions options;
    options.connect_timeout = timeout;
    options.read_timeout = timeout;
    return std::make_unique<vault::Client>(url, options);
  });
}

Json tool_list() {
  const Json path = {{"type", "string"}, {"description", "path below the agent's own prefix, e.g. app/config"}};
  return Json::array({
      {{"name", "kv.read"}, {"description", "Read a secret of the calling agent (scope read)."},
       {"inputSchema", {{"type", "object"}, {"properties", {{"path", path}}}, {"required", {"path"}}}}},
      {{"name", "kv.write"}, {"description", "Write a secret of the calling agent (scope write)."},
       {"inputSchema", {{"type", "object"}, {"properties", {{"path", path}, {"data", {{"type", "object"}}}}},
                        {"required", {"path", "data"}}}}},
      {{"name", "kv.list"}, {"description", "List the calling agent's keys under a path (scope list)."},
       {"inputSchema", {{"type", "object"}, {"properties", {{"path", path}}}}}},
      {{"name", "kv.delete"}, {"description", "Delete a secret of the calling agent (scope delete)."},
       {"inputSchema", {{"type", "object"}, {"properties", {{"path", path}}}, {"required", {"path"}}}}},
  });
}

KvOutcome call_tool(const KvSettings& settings, const KvCaller& caller, const std::string& name, const Json& given) {
  const Operation* op = operation_of(name);
  if (!op) return rpc_error(-32602, "unknown tool: " + name);
  const Json args = given.is_null() ? Json::object() : given;
  if (!args.is_object()) return rpc_error(-32602, "arguments must be an object");
  std::string path;
  if (args.contains("path")) {
    if (!args["path"].is_string()) return rpc_error(-32602, "path must be a string");
    path = args["path"].get<std::string>();
  } else if (!op->path_optional) {
    return rpc_error(-32602, "path is required");
  }
  Json data = Json::object();
  if (op->method == std::string("POST")) {
    if (!args.contains("data") || !args["data"].is_object()) return rpc_error(-32602, "data must be an object");
    data = args["data"];
  }
  KvOutcome outcome = run(settings, caller, *op, path, data);
  if (settings.unsafe_recent_calls && outcome.rpc_code == 0 && outcome.status == 200) {
    settings.unsafe_recent_calls->add(caller.agent.id, name, outcome.result);
  }
  return outcome;
}

KvOutcome read_resource(const KvSettings& settings, const KvCaller& caller, const std::string& uri) {
  Agent owner = caller.agent;
  if (settings.unsafe_resource_any_agent && uri.rfind("kv://", 0) == 0) {
    // Sabotage: the agent the URI names is believed, whoever asks.
    owner.id = uri.substr(5, uri.find('/', 5) - 5);
  }
  const std::string own = "kv://" + owner.id + "/";
  if (uri.rfind(own, 0) != 0) return rpc_error(kResourceNotFound, "resource not found: only kv://" + caller.agent.id + "/… is yours");
  KvOutcome outcome = run(settings, {owner, caller.trace}, *operation_of("kv.read"), uri.substr(own.size()), {});
  if (outcome.rpc_code == 0 && outcome.status == 200) {
    if (!outcome.result["found"].get<bool>()) return rpc_error(kResourceNotFound, "resource not found: " + uri);
    outcome.result = outcome.result.value("data", Json());
  }
  return outcome;
}

}  // namespace mcph::agent_bridge
