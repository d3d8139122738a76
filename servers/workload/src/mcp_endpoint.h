#pragma once
// workload-mcp's MCP endpoints, both lib/mcp's: /mcp (sessions) and POST /mcp/rpc, plain
// JSON-RPC 2.0 (tools/list, tools/call), no session: each request is one DPoP-proven call, and
// a refusal is its HTTP status (403 denied by the policy, 503 no decision). Every request passes
// the call gate (identification, the agent's rate limit and tier); a batch's further calls are
// charged to the agent too.
#include <string>

#include "mcph/mcp/server.h"
#include "mcph/workload/call_gate.h"

namespace mcph::workload {

// public_url: what the callers' proofs name (htu) before the request's path, read at each
// request. unsafe_uncharged_batches: a batch costs one call (the sabotage switch of that name).
mcp::ServerOptions mcp_options(const CallGate& gate, const std::string& public_url, bool unsafe_uncharged_batches);
// The tools, each call asked of the policy for the gate's caller.
void add_workload_tools(mcp::Server& server, const CallGate& gate);

}  // namespace mcph::workload
