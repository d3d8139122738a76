#include "mcp_endpoint.h"

#include "mcph/mcp/json.h"

namespace mcph::workload {
namespace {

// The JSON-RPC error code of a call the policy refused.
constexpr int kDenied = -32003;

}  // namespace

mcp::ServerOptions mcp_options(const CallGate& gate, const std::string& public_url, bool unsafe_uncharged_batches) {
  mcp::ServerOptions options;
  options.name = "workload-mcp";
  options.legacy_path = "/mcp/rpc";
  options.legacy_methods = {"tools/list", "tools/call"};
  options.legacy_errors_as_http_errors = false;
  options.authenticate = [&gate, &public_url](const http::Request& request) {
    const Admission admission = gate.admit(request, public_url + request.path);
    if (admission.caller) {
      mcp::Principal principal;
      principal.subject = admission.anonymous ? "" : admission.caller->spiffe_id;
      principal.context = admission;
      return mcp::AuthResult::allow(std::move(principal));
    }
    if (admission.status == 429) return mcp::AuthResult::too_many_requests(admission.retry_after, admission.message);
    return mcp::AuthResult::refused(admission.status, admission.message, admission.www_authenticate);
  };
  if (!unsafe_uncharged_batches) {
    options.charge_batch = [&gate](const mcp::Principal& who, std::size_t further) {
      // The anonymous caller of unsafe-no-auth has no budget.
      return who.subject.empty() ? std::nullopt : gate.charge_batch(who.subject, further);
    };
  }
  return options;
}

void add_workload_tools(mcp::Server& server, const CallGate& gate) {
  for (const auto& tool : tool_list()) {
    const mcp::ToolDefinition definition = mcp::tool_definition(tool);
    const std::string name = definition.name;
    server.add_tool(definition, [&gate, name](const mcp::Arguments& args, mcp::ToolContext& context) {
      const Admission* admission = context.principal().context_as<Admission>();
      if (!admission || !admission->caller) throw mcp::ToolError("no authenticated workload");
      std::string error;
      const auto call = parse_tool_call(name, args.json(), error);
      if (!call) throw mcp::CallRefused(200, mcp::jsonrpc::kInvalidParams, error);
      const CallVerdict verdict = gate.authorize(*admission, *call);
      if (!verdict.allow) throw mcp::CallRefused(verdict.status, kDenied, verdict.message);
      return mcp::structured_result(run_tool(*call, admission->caller->spiffe_id, admission->tier));
    });
  }
}

}  // namespace mcph::workload
