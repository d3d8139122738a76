#pragma once
// agent-bridge-mcp's MCP endpoints, both lib/mcp's: /mcp (sessions) and POST /mcp/rpc, plain
// JSON-RPC 2.0 (tools/list, tools/call, resources/list, resources/read), one call per request, where a refused
// call is its HTTP status (403 for a missing scope, with its challenge; 503 when Vault is away).
// Every request passes the gate; a batch's further calls are charged to the agent too.
#include "gate.h"
#include "kv_tools.h"
#include "mcph/mcp/server.h"

namespace mcph::agent_bridge {

// unsafe_uncharged_batches: a batch costs one call (the sabotage switch of the same name).
mcp::ServerOptions mcp_options(Gate& gate, bool unsafe_uncharged_batches);
// The KV tools and kv:// resources, each call made as the gate's agent.
void add_kv_methods(mcp::Server& server, const KvSettings& kv, const Gate& gate);

}  // namespace mcph::agent_bridge
