#pragma once
// What the MCP steps share: a JSON-RPC answer copied into the step's outcome, and whom a
// server's rate limiter counts a request against.
#include <string>

#include "../step_outcome.h"
#include "mcph/harness/stack/stack_file.h"
#include "mcph/mcp/client.h"
#include "../user_pacer.h"

namespace mcph::harness {

// The JSON-RPC request a target profile's `probe` names, as an MCP client would send it.
std::string probe_request(const std::string& method);

void fill_from_rpc(const mcp::RpcOutcome& rpc, StepOutcome& out);
// The token's subject, read unverified (a forged token is refused before the limiter, and
// UserPacer::answered gives its request back), or, for a token that is not a JWT, the token
// itself. Kept in memory only.
std::string pacing_subject(const std::string& token);
// The per-user limit the stack says a server has; none (RateLimit{}) when it does not say.
RateLimit stated_rate_limit(const ServiceEntry& entry);

}  // namespace mcph::harness
