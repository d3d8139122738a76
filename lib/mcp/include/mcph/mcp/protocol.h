#pragma once
// Protocol constants of MCP over Streamable HTTP and JSON-RPC 2.0: the versions this library
// speaks, the HTTP header names, the JSON-RPC error codes and the logging levels.
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace mcph::mcp {

// Newest first. The first entry is what the server offers when a client asks for a version it
// does not know, and what the client asks for by default.
const std::vector<std::string>& supported_protocol_versions();
const std::string& latest_protocol_version();
bool is_supported_protocol_version(std::string_view version);
// 2025-03-26 allows JSON-RPC batches; later versions removed them.
bool protocol_allows_batches(std::string_view version);

inline constexpr std::string_view kSessionIdHeader = "Mcp-Session-Id";
inline constexpr std::string_view kProtocolVersionHeader = "MCP-Protocol-Version";

namespace jsonrpc {
inline constexpr int kParseError = -32700;
inline constexpr int kInvalidRequest = -32600;
inline constexpr int kMethodNotFound = -32601;
inline constexpr int kInvalidParams = -32602;
inline constexpr int kInternalError = -32603;
// Implementation-defined server errors (-32000..-32099): used for HTTP-level refusals
// (missing session, unsupported protocol version header, authentication).
inline constexpr int kServerError = -32000;
}  // namespace jsonrpc

// RFC 5424 severities, in increasing order, as MCP's logging utility names them.
enum class LogLevel { debug, info, notice, warning, error, critical, alert, emergency };
std::string_view to_string(LogLevel level);
std::optional<LogLevel> parse_log_level(std::string_view name);

}  // namespace mcph::mcp
