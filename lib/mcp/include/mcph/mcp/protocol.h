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
inline constexpr std::string_view kBatchProtocolVersion = "2025-03-26";
bool protocol_allows_batches(std::string_view version);

inline constexpr std::string_view kSessionIdHeader = "Mcp-Session-Id";
inline constexpr std::string_view kProtocolVersionHeader = "MCP-Protocol-Version";

// The modern era (2026-07-28 on): no initialize and no session; every request names its version
// and the client's capabilities in params._meta, repeats the version in MCP-Protocol-Version,
// its method in Mcp-Method and, for tools/call, resources/read and prompts/get, its target in
// Mcp-Name (https://modelcontextprotocol.io/specification/2026-07-28/basic/transports/streamable-http).
// The versions above are the legacy era's, negotiated at initialize.
inline constexpr std::string_view kModernProtocolVersion = "2026-07-28";
const std::vector<std::string>& modern_protocol_versions();
bool is_modern_protocol_version(std::string_view version);
// Every version this library speaks, modern first: what an unsupported-version error lists.
std::vector<std::string> all_protocol_versions();
inline constexpr std::string_view kMethodHeader = "Mcp-Method";
inline constexpr std::string_view kNameHeader = "Mcp-Name";
inline constexpr std::string_view kMetaProtocolVersion = "io.modelcontextprotocol/protocolVersion";
inline constexpr std::string_view kMetaClientCapabilities = "io.modelcontextprotocol/clientCapabilities";
inline constexpr std::string_view kMetaClientInfo = "io.modelcontextprotocol/clientInfo";
inline constexpr std::string_view kMetaServerInfo = "io.modelcontextprotocol/serverInfo";

namespace jsonrpc {
inline constexpr int kParseError = -32700;
inline constexpr int kInvalidRequest = -32600;
inline constexpr int kMethodNotFound = -32601;
inline constexpr int kInvalidParams = -32602;
inline constexpr int kInternalError = -32603;
// Implementation-defined server errors (-32000..-32099): used for HTTP-level refusals
// (missing session, unsupported protocol version header, authentication).
inline constexpr int kServerError = -32000;
// The modern era's own (2026-07-28, basic/index and transports).
inline constexpr int kHeaderMismatch = -32020;
inline constexpr int kMissingRequiredClientCapability = -32021;
inline constexpr int kUnsupportedProtocolVersion = -32022;
}  // namespace jsonrpc

// RFC 5424 severities, in increasing order, as MCP's logging utility names them.
enum class LogLevel { debug, info, notice, warning, error, critical, alert, emergency };
std::string_view to_string(LogLevel level);
std::optional<LogLevel> parse_log_level(std::string_view name);

}  // namespace mcph::mcp
