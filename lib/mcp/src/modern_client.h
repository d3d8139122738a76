#pragma once
// The client's side of the modern era (protocol 2026-07-28) beyond what a request carries
// (mcph/mcp/modern_message.h): how a name goes into a header, and what a dual-era client reads
// from a server's answer to its first modern request, as the revision's streamable-http transport describes:
// a result, or a 400 with a modern JSON-RPC error (-32020, -32021, -32022), is a modern server;
// anything else sends the client back to initialize.
#include <string>

#include <nlohmann/json.hpp>

#include "mcph/http/message.h"
#include "mcph/mcp/client.h"
#include "mcph/mcp/modern_message.h"

namespace mcph::mcp::detail {

// A header value as the revision's clients send it: as is when it is visible ASCII without
// leading or trailing spaces, else "=?base64?<base64 of its UTF-8>?=".
std::string header_safe(const std::string& value);

// Whether the answer to a modern request shows a modern server.
bool answers_modern(const RpcOutcome& outcome);

}  // namespace mcph::mcp::detail
