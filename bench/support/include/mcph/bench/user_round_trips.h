#pragma once
// The round trips a warm call of a user's MCP server makes behind it, made by the benchmarks
// beside the call as the server makes them (time_each_request_against_floor, warm_path_guard):
// jira-mcp's and github-mcp's KV read of the caller's secret with the caller's Vault token, then
// the backend's request with that secret's credential; postgres-mcp's query as the caller's own
// database role. The agents' servers' are in agent_servers.h.
#include <string>
#include <vector>

#include "mcph/bench/bench_stack.h"
#include "mcph/bench/latency.h"
#include "mcph/bench/mcp_servers.h"

namespace mcph::bench {

// `access_token` is `who.username`'s. Throws std::runtime_error when the stack or the caller
// lacks what the server's call needs (its secret, a field of it, PostgreSQL's address).
std::vector<RoundTrip> user_round_trips(BenchStack& stack, const McpServer& server, const Identities& who,
                                        const std::string& access_token);

}  // namespace mcph::bench
