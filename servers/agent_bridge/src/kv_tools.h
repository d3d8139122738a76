#pragma once
// The four KV tools and kv:// resources of agent-bridge-mcp, each call made with a child token
// created for it from the server's parent token.
#include <chrono>
#include <memory>
#include <optional>
#include <string>

#include <nlohmann/json.hpp>

#include "debug_calls.h"
#include "mcph/agent_bridge/agent_identity.h"
#include "mcph/agent_bridge/child_token.h"
#include "mcph/http/client_pool.h"
#include "mcph/http/trace_context.h"
#include "mcph/vault/client.h"

namespace mcph::agent_bridge {

struct KvSettings {
  std::string vault_url;
  std::string parent_token;
  std::string mount = "secret";
  int child_ttl_seconds = kDefaultChildTtlSeconds;
  int child_num_uses = kDefaultChildUses;
  // The token role the child tokens are created against (auth/token/create/<role>), so that a
  // parent token that is not root may give them policies it does not hold; empty: auth/token/create.
  std::string token_role;
  std::chrono::milliseconds timeout{3000};
  // Vault connections kept alive between calls (vault_clients_for): a call takes one, so that it
  // does not connect each time; a new one still connects within `timeout`.
  std::shared_ptr<http::ClientPool<vault::Client>> vault_clients;
  bool unsafe_scope_substring = false;
  bool unsafe_single_pass_dotdot = false;
  bool unsafe_no_child_token = false;
  bool unsafe_fail_open_child_token = false;  // the parent token when Vault refuses the child
  bool unsafe_resource_any_agent = false;  // resources/read believes the agent its URI names
  bool unsafe_not_found_names_vault = false;  // a "not found" result carries the URL Vault was asked at
  std::shared_ptr<RecentCalls> unsafe_recent_calls;  // kept for GET /debug/calls; none: not kept
};

// What a call gives: HTTP status 200 with a JSON-RPC result, or a refusal. A refusal with
// status 200 is a JSON-RPC error (bad arguments, a refused path); 403 lacks a scope
// (`missing_scope` names it), 503 Vault did not answer.
struct KvOutcome {
  int status = 200;
  nlohmann::json result;
  int rpc_code = 0;  // non-zero: a JSON-RPC error
  std::string message;
  std::string missing_scope;
};

// Who calls, and the trace context of the MCP request: every Vault request of the call carries
// its traceparent (a span of its own), so that Vault's audit log ties its entries to the call.
struct KvCaller {
  const Agent& agent;
  std::optional<http::TraceContext> trace;
};

// The pool of KvSettings::vault_clients for its vault_url and timeout.
std::shared_ptr<http::ClientPool<vault::Client>> vault_clients_for(const KvSettings& settings);

nlohmann::json tool_list();
KvOutcome call_tool(const KvSettings& settings, const KvCaller& caller, const std::string& name, const nlohmann::json& args);
// The error of a resource that is not the caller's, or not there: the same for both.
constexpr int kResourceNotFound = -32002;
// The secret at kv://<caller>/<path>: its result the secret's data, or kResourceNotFound.
KvOutcome read_resource(const KvSettings& settings, const KvCaller& caller, const std::string& uri);

}  // namespace mcph::agent_bridge
