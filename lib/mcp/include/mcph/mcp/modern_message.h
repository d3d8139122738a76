#pragma once
// A message of the modern era (protocol 2026-07-28) as its clients send it: params._meta with its
// version, capabilities and client, and the standard headers (MCP-Protocol-Version, Mcp-Method,
// Mcp-Name, Mcp-Param-*), for the client and for whoever writes a raw request of that era.
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "mcph/http/message.h"
#include "mcph/mcp/client.h"
#include "mcph/mcp/param_headers.h"

namespace mcph::mcp {

// `message` (a request or notification) with params._meta's protocolVersion, clientCapabilities
// ({}, or elicitation's form mode when options.answer_input is set) and clientInfo added; what
// the message already has in _meta stays.
nlohmann::json with_modern_meta(nlohmann::json message, const std::string& version, const ClientOptions& options);

// The standard headers of `message`: MCP-Protocol-Version, Mcp-Method, and Mcp-Name for
// tools/call, resources/read and prompts/get (base64-wrapped when not a safe header value); for
// a tools/call, Mcp-Param-<Name> for each of its tool's `params` whose argument it carries.
http::Fields modern_headers(const nlohmann::json& message, const std::string& version,
                            const std::vector<ParamHeader>& params = {});

}  // namespace mcph::mcp
