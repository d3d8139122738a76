#pragma once
// The parameter headers of a load step's calls in MCP 2026-07-28: a tool whose inputSchema marks
// an argument `x-mcp-header` is called with that argument repeated as `Mcp-Param-<Name>`, and its
// server refuses a call without it (400, -32020). The load driver sends each call as the step
// wrote it, so the step learns the headers as any client of that era does: from the server's own
// tools/list.
#include <string>

#include "load_step.h"
#include "mcph/http/message.h"

namespace mcph::harness::scenario {

// The Mcp-Param-* headers of `target`'s call at its server, which lists its tools to
// `authorization` (one tools/list); none outside the modern era or when the tool declares none.
// Throws std::runtime_error naming the server when it does not list its tools.
http::Fields load_param_headers(const LoadTarget& target, const std::string& authorization);

}  // namespace mcph::harness::scenario
