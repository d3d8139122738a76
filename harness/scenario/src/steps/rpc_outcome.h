#pragma once
// What the MCP steps share: a JSON-RPC answer copied into the step's outcome, and whom a
// server's rate limiter counts a request against.
#include <string>

#include "../step_outcome.h"
#include "mcph/harness/stack/stack_file.h"
#include "mcph/harness/stack/target_profile.h"
#include "mcph/mcp/client.h"
#include "../user_pacer.h"

namespace mcph::harness::scenario {

// The JSON-RPC request a target profile's `probe` names, as an MCP client would send it.
std::string probe_request(stack::ProbeMethod method);

// What an `http` step's `probe: true` sends a server: its profile's probe; at a server of the
// modern era alone (protocol `modern`), which has no initialize, server/discover as a client of
// 2026-07-28 sends it, its _meta in the body and its standard headers beside; the plain HTTP
// request of the profile's http_probe when it has one, in any era.
struct ProbeRequest {
  std::string body;
  http::Fields headers;
  // A plain HTTP request's (the profile's http_probe): its method and path from the server's
  // origin. Empty: a JSON-RPC POST to the MCP endpoint.
  std::string method;
  std::string path;
};
ProbeRequest probe_request(const stack::ServiceEntry& entry, const std::string& service);

void fill_from_rpc(const mcp::RpcOutcome& rpc, StepOutcome& out);
// The JSON-RPC error an answer's body carries (`{"error": {"code": <integer>, "message"}}`) into
// `out.rpc`; nothing for any other body, a server's own error object with a code that is not an
// integer (`{"error": {"code": "UNAUTHENTICATED"}}`) included.
void take_rpc_error(const nlohmann::json& answer, StepOutcome& out);
// The JSON an answer carries: its body; or, when the server answered as an event stream (a
// Streamable HTTP server may answer any POST so), the JSON-RPC responses its events carry —
// one as itself, several as an array — else every JSON message of the stream. Discarded when
// there is none.
nlohmann::json json_of_answer(std::string_view content_type, const std::string& body);
// The token's subject, read unverified (a forged token is refused before the limiter, and
// UserPacer::answered gives its request back), or, for a token that is not a JWT, the token
// itself. Kept in memory only.
std::string pacing_subject(const std::string& token);
// The per-user limit the stack says a server has; none (RateLimit{}) when it does not say.
stack::RateLimit stated_rate_limit(const stack::ServiceEntry& entry);
// Why a batch of `batch` calls to `service` shows nothing of how it charges a batch against its
// limit (no limit stated, or the batch within it), for the step's caveat; "" when it does.
std::string batch_caveat(const stack::RateLimit& limit, int batch, const std::string& service);

}  // namespace mcph::harness::scenario
