#pragma once
// Opening an MCP stream of the HTTP+SSE transport (protocol 2024-11-05) as a client does: GET the
// stream, initialize on its messages endpoint, initialized; paced as the three requests it is and
// recorded as one exchange. The `sse` step keeps what it opens; a probe of an SSE server opens one
// to see how the server answers.
#include <memory>
#include <string>

#include "mcph/harness/stack/stack_file.h"
#include "mcph/http/message.h"
#include "mcph/mcp/client.h"
#include "step_kind.h"

namespace mcph::harness::scenario {

inline constexpr const char* kSseProtocolVersion = "2024-11-05";

struct OpenedStream {
  std::unique_ptr<mcp::Client> client;
  mcp::RpcOutcome init;  // the initialize's answer, or the refusal of the GET
};

// `subject` is whom the server's rate limit charges ("" for no one).
OpenedStream open_sse_stream(StepRun& run, const stack::ServiceEntry& entry, const std::string& service, const std::string& url,
                             const http::Fields& headers, const std::string& subject);

}  // namespace mcph::harness::scenario
