#pragma once
// The MCP servers of a stack as the benchmarks call them: each server's stack-file name and a
// representative read-only tool call, its endpoint (the stack's transport, or the demo's
// POST /sse), and clients acting for a user.
#include <functional>
#include <string>
#include <vector>

#include "mcph/bench/bench_stack.h"
#include "mcph/http/client.h"
#include "mcph/mcp/client.h"

namespace mcph::bench {

struct McpServer {
  std::string service;    // the stack file's name for it
  std::string tool;
  std::string arguments;  // JSON object text
};

// jira-mcp (get_issue DEMO-1), github-mcp (list_repos), postgres-mcp (a small SELECT).
const std::vector<McpServer>& mcp_servers();

struct Endpoint {
  std::string url;
  mcp::Transport transport = mcp::Transport::streamable_http;
  mcp::Era era = mcp::Era::legacy;  // the entry's `protocol`: modern, each request carries only its token
};

// The server's endpoint in the stack; legacy_sse: POST <server>/sse instead of Streamable HTTP.
// Throws std::runtime_error when the stack has no such service.
Endpoint endpoint_of(BenchStack& stack, const std::string& service, bool legacy_sse = false);

// The floor a warm call of the server is measured against: a keep-alive GET /health of the same
// process, answered without authentication. Returns "" or why the request failed.
class HealthFloor {
 public:
  explicit HealthFloor(const Endpoint& endpoint);
  std::string operator()();

 private:
  http::Client client_;
};

// A client as the benchmarks time it. `ready_next_call`, run outside the call's time just before
// each timed call, makes ahead what is the client's own work rather than the server's:
// workload-mcp's DPoP proof for the next request (an ES256 signature and a hash of the token).
// Empty when there is nothing to make ahead.
struct TimedClient {
  mcp::Client client;
  std::function<void()> ready_next_call;
};

// What a benchmark reports of a refused request (`what`: "initialize at <url>", "the tool call"):
// the status, what the server said (its JSON-RPC error's message, else the first line of its
// body), credentials in it masked, and when it asks to be tried again (Retry-After).
std::string refusal_of(const std::string& what, const mcp::RpcOutcome& answer);
// Why `call` failed ("" when it did not): its refusal, or the error the tool ended in.
std::string tool_call_failure(const mcp::ToolCallOutcome& call);

// A client acting for the bearer of `access_token`, initialized (Streamable HTTP).
// Throws std::runtime_error when initialize fails, saying why (refusal_of).
mcp::Client client_for(const Endpoint& endpoint, const std::string& access_token);

// Throws std::runtime_error saying how to start a stack with enough generated users.
void require_generated_users(const Identities& who, int needed);
// An access token of generated user `index` (user0001 for 1).
std::string generated_user_token(BenchStack& stack, const Identities& who, int index);

}  // namespace mcph::bench
