#pragma once
// The modern era's (2026-07-28) admission of one POST: whether it is a modern request at all,
// and the refusal its headers and params._meta call for, before anything runs. The rules are
// the revision's (basic/index, basic/versioning, basic/transports/streamable-http at
// https://modelcontextprotocol.io/specification/2026-07-28/):
//   _meta without protocolVersion or clientCapabilities          400, -32602
//   MCP-Protocol-Version absent or not _meta's version            400, -32020
//   a version this server does not speak                          400, -32022 {supported, requested}
//   Mcp-Method absent or not the body's method                    400, -32020
//   Mcp-Name absent or not params.name / params.uri (tools/call,  400, -32020
//   resources/read, prompts/get), after base64-sentinel decoding
//   Mcp-Param-<Name> absent or not the argument its tool's        400, -32020
//   x-mcp-header names, when the body carries one (not null)
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "jsonrpc.h"
#include "mcph/http/message.h"
#include "mcph/mcp/client.h"
#include "mcph/mcp/param_headers.h"

namespace mcph::mcp::detail {

struct ModernRefusal {
  int status = 400;
  int code = 0;
  std::string message;
  nlohmann::json data;  // null when the error has none
};

// UNSAFE relaxations, only for the harness's sabotage tests (ServerOptions names them).
struct ModernLeniency {
  bool name_header_unchecked = false;   // Mcp-Name is not compared with the body
  bool version_from_header = false;     // MCP-Protocol-Version is not compared with _meta
};

// A POST in the modern era's form: no Mcp-Session-Id, and either the Mcp-Method header or _meta's
// protocol version; an initialize only with _meta's version and without params.protocolVersion
// (no legacy opening, a modern request for a method that era dropped). Anything else is the
// legacy era's (or malformed in it).
bool opens_modern_request(const http::Request& req, const Message& message);

// The versions a server of `era` speaks, modern first.
std::vector<std::string> protocol_versions_of(Era era);

// `supported`: the versions the server serves, which an unsupported-version refusal lists.
std::optional<ModernRefusal> check_modern_request(const http::Request& req, const Message& message,
                                                  const std::vector<std::string>& supported,
                                                  const ModernLeniency& leniency = {});

// tools/call's parameter headers: each of `declared` whose argument the call carries (not null)
// must come as Mcp-Param-<Name> with that value (base64-sentinel decoded; an integer compared as
// a number, so 42.0 is 42), in visible ASCII.
std::optional<ModernRefusal> check_param_headers(const http::Request& req, const nlohmann::json& params,
                                                 const std::vector<ParamHeader>& declared);

// What Mcp-Name must carry for this request (params.name, or params.uri for resources/read);
// nullopt for a method without one.
std::optional<std::string> expected_name(const Message& message);

// A standard header's value as the client meant it: "=?base64?<b64>?=" decoded, anything else
// as it is; nullopt for a sentinel that does not decode.
std::optional<std::string> decode_header_value(std::string_view value);

}  // namespace mcph::mcp::detail
