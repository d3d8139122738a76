#include "mcp_endpoint.h"

#include "mcph/broker/authenticator.h"
#include "mcph/http/trace_context.h"
#include "mcph/mcp/json.h"

namespace mcph::agent_bridge {
namespace {

using Json = nlohmann::json;

// A KvOutcome that is no result, as the call's refusal. A missing scope's 403 names the scope
// and, as a 401 does, the resource's metadata (RFC 9728 §5.1).
[[noreturn]] void refuse(const KvOutcome& outcome, const Gate& gate) {
  http::Fields headers;
  if (outcome.status == 403) {
    headers.emplace_back("WWW-Authenticate",
                         broker::bearer_challenge(gate.resource_metadata_url(), outcome.missing_scope, "insufficient_scope",
                                                  "this call needs scope " + outcome.missing_scope));
  }
  throw mcp::CallRefused(outcome.status, outcome.rpc_code, outcome.message, std::move(headers));
}

// The gate's agent and the request's traceparent, kept on its principal: a resource's read is
// handed the principal alone, and its Vault requests carry the trace all the same.
struct BridgeCaller {
  Agent agent;
  std::optional<http::TraceContext> trace;
};

const BridgeCaller& caller_of(const mcp::Principal& principal) {
  const BridgeCaller* caller = principal.context_as<BridgeCaller>();
  if (!caller) throw mcp::ToolError("no authenticated agent");
  return *caller;
}

const Agent& agent_of(const mcp::Principal& principal) { return caller_of(principal).agent; }

// Each agent's secrets as resources kv://<agent>/<key>: listed at the folder's top, read at any depth.
mcp::ResourceSource kv_resources(const KvSettings& kv, const Gate& gate) {
  mcp::ResourceSource source;
  source.list = [&kv](const mcp::Principal& who) {
    const BridgeCaller& caller = caller_of(who);
    const KvOutcome outcome = call_tool(kv, {caller.agent, caller.trace}, "kv.list", Json::object());
    std::vector<mcp::ResourceInfo> resources;
    if (outcome.rpc_code != 0) return resources;
    for (const Json& key : outcome.result.value("keys", Json::array())) {
      if (!key.is_string() || key.get<std::string>().ends_with("/")) continue;  // a folder
      resources.push_back({"kv://" + caller.agent.id + "/" + key.get<std::string>(), key.get<std::string>(), "", "application/json"});
    }
    return resources;
  };
  source.read = [&kv, &gate](const std::string& uri, const mcp::Principal& who) -> std::optional<mcp::ResourceText> {
    const BridgeCaller& caller = caller_of(who);
    const KvOutcome outcome = read_resource(kv, {caller.agent, caller.trace}, uri);
    if (outcome.rpc_code == kResourceNotFound) return std::nullopt;
    if (outcome.rpc_code != 0) refuse(outcome, gate);
    return mcp::ResourceText{uri, "application/json", outcome.result.dump()};
  };
  return source;
}

}  // namespace

mcp::ServerOptions mcp_options(Gate& gate, bool unsafe_uncharged_batches) {
  mcp::ServerOptions options;
  options.name = "agent-bridge-mcp";
  options.legacy_path = "/mcp/rpc";
  options.legacy_methods = {"tools/list", "tools/call", "resources/list", "resources/read"};
  options.legacy_errors_as_http_errors = false;
  options.authenticate = [&gate](const http::Request& request) {
    Gate::Admission admission = gate.admit(request);
    if (admission.agent) {
      mcp::Principal principal;
      principal.subject = admission.agent->id;
      principal.context = BridgeCaller{*admission.agent, http::trace_context_of(request)};
      return mcp::AuthResult::allow(std::move(principal));
    }
    mcp::AuthRejection rejection;
    rejection.status = admission.status;
    rejection.message = admission.message;
    rejection.headers = admission.headers;
    return mcp::AuthResult::reject(rejection);
  };
  if (!unsafe_uncharged_batches) {
    options.charge_batch = [&gate](const mcp::Principal& who, std::size_t further) {
      return gate.charge_batch(who.subject, further);
    };
  }
  return options;
}

void add_kv_methods(mcp::Server& server, const KvSettings& kv, const Gate& gate) {
  for (const auto& tool : tool_list()) {
    const mcp::ToolDefinition definition = mcp::tool_definition(tool);
    const std::string name = definition.name;
    server.add_tool(definition, [&kv, &gate, name](const mcp::Arguments& args, mcp::ToolContext& context) {
      const KvCaller caller{agent_of(context.principal()), http::trace_context_of(context.http_request())};
      const KvOutcome outcome = call_tool(kv, caller, name, args.json());
      if (outcome.rpc_code != 0) refuse(outcome, gate);
      return mcp::structured_result(outcome.result);
    });
  }
  server.add_resources(kv_resources(kv, gate));
}

}  // namespace mcph::agent_bridge
