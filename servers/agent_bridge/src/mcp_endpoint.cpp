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

const Agent& agent_of(const mcp::Principal& caller) {
  const Agent* agent = caller.context_as<Agent>();
  if (!agent) throw mcp::ToolError("no authenticated agent");
  return *agent;
}

}  // namespace

mcp::ServerOptions mcp_options(Gate& gate, bool unsafe_uncharged_batches) {
  mcp::ServerOptions options;
  options.name = "agent-bridge-mcp";
  options.legacy_path = "/mcp/rpc";
  options.legacy_methods = {"tools/list", "tools/call", "resources/read"};
  options.legacy_errors_as_http_errors = false;
  options.authenticate = [&gate](const http::Request& request) {
    Gate::Admission admission = gate.admit(request);
    if (admission.agent) {
      mcp::Principal principal;
      principal.subject = admission.agent->id;
      principal.context = *admission.agent;
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
  server.add_legacy_method("resources/read", [&kv, &gate](const Json& params, const mcp::Principal& who, const http::Request& request) {
    const auto uri = params.find("uri");
    if (uri == params.end() || !uri->is_string()) throw mcp::ToolError("uri must be a string");
    const KvOutcome outcome = read_resource(kv, {agent_of(who), http::trace_context_of(request)}, uri->get<std::string>());
    if (outcome.rpc_code != 0) refuse(outcome, gate);
    return outcome.result;
  });
}

}  // namespace mcph::agent_bridge
