#pragma once
// The MCP servers whose callers are agents, as the benchmarks call them: agent-bridge-mcp with
// agent-a's API key (kv.read of its own jira secret: a child token and a KV read per call) and
// workload-mcp as trusted-agent with its DPoP-bound token (filesystem read: a DPoP proof checked
// per call, and OPA's decision, which the stack's workload-mcp reuses for 500 ms). Their warm
// calls sit beside the users' servers' (mcp_servers.h) in tool_call_bench.
#include <vector>

#include "mcph/bench/bench_stack.h"
#include "mcph/bench/latency.h"
#include "mcph/bench/mcp_servers.h"
#include "mcph/mcp/client.h"

namespace mcph::bench {

const std::vector<McpServer>& agent_servers();

// An initialized client acting for the server's agent: the API key read from the stack's keys
// file, or the agent's DPoP-bound token from the stack's Keycloak with a fresh proof on every
// request, made ahead of each timed call (TimedClient) and else on the spot: each is made afresh.
// Throws std::runtime_error when the stack has no such server or the agent gets no credential
// (never quoting a secret).
TimedClient agent_client_for(BenchStack& stack, const McpServer& server);

// The round trips a warm call of the server makes behind it, made by the benchmark beside the
// call (time_each_request_against_floor): agent-bridge-mcp's child token, made from its parent
// token as the server asks for it, and the KV read with it. workload-mcp's warm call makes none:
// the stack starts it keeping OPA's decision for an input 500 ms, so a median call asks OPA
// nothing (one call in several hundred does).
std::vector<RoundTrip> agent_round_trips(BenchStack& stack, const McpServer& server);

}  // namespace mcph::bench
