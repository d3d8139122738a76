#pragma once
// Whether a tool call's answer is a success, and if not, why: a 2xx with a JSON-RPC result whose
// isError is not true. Streamable HTTP answers may come as JSON or as an SSE stream whose last
// event is the response.
#include <string>

#include "mcph/harness/load/response_parser.h"

namespace mcph::harness::load {

// "" for a success; else what the answer was ("HTTP 429", "tool error: …").
std::string call_failure(const ParsedResponse& response);

}  // namespace mcph::harness::load
