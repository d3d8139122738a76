#pragma once
// The server side of MCP's Streamable HTTP transport, mounted on an mcph::http::Server:
//   POST   <path>  one JSON-RPC message (or, in protocol 2025-03-26, a batch); answered with
//                  application/json or a single text/event-stream body carrying the
//                  notifications the call emitted and then the response, as Accept allows
//   DELETE <path>  ends the session named by Mcp-Session-Id
//   GET    <path>  405: this server opens no standalone SSE stream
// Sessions start at initialize and are required afterwards (400 without one, 404 for an
// unknown one), Host and Origin are checked against an allow-list (403), and every request
// passes the authentication hook first. Optionally also serves the original demo's plain
// JSON-RPC on `POST /sse` (no session), and the protected resource metadata document.
#include <cstddef>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "mcph/http/server.h"
#include "mcph/mcp/auth.h"
#include "mcph/mcp/tool.h"

namespace mcph::mcp {

struct ServerOptions {
  std::string name = "mcph-server";   // serverInfo.name
  std::string version = "0.1.0";      // serverInfo.version
  std::string instructions;           // optional InitializeResult.instructions
  std::string path = "/mcp";          // the MCP endpoint
  // Host names accepted in the Host and Origin headers (any port). "*" accepts any host.
  // A request without an Origin header is allowed (non-browser clients send none).
  std::vector<std::string> allowed_hosts = {"localhost", "127.0.0.1", "[::1]"};
  // Empty = every request is anonymous (Principal with an empty subject).
  Authenticator authenticate;
  // When full, the least recently used session is ended to make room.
  std::size_t max_sessions = 10000;
  // Non-empty: an OAuth 2.0 Protected Resource Metadata document (RFC 9728, a JSON object with
  // "resource", "authorization_servers", …) served, without authentication, at
  // /.well-known/oauth-protected-resource and /.well-known/oauth-protected-resource<path>, as
  // MCP's authorization spec asks. Point WWW-Authenticate's resource_metadata at it.
  std::string protected_resource_metadata;
  // Non-empty: also serve plain JSON-RPC (no session, no SSE) on POST at this path, as the
  // original Python demo servers do on /sse.
  std::string legacy_path;
  // Non-empty: the only methods the legacy path answers; any other request is HTTP 400 with
  // -32601 "Unknown method: <method>", as the demo's servers answer even `initialize`.
  std::vector<std::string> legacy_methods;
};

class Server {
 public:
  explicit Server(ServerOptions options = {});
  ~Server();
  Server(const Server&) = delete;
  Server& operator=(const Server&) = delete;

  // Throws std::invalid_argument for a bad name, a duplicate, or a schema that is not a JSON
  // object. Register every tool before mount().
  void add_tool(ToolDefinition definition, ToolHandler handler);

  // Adds the routes to `http`. This Server must outlive `http`'s serving. Throws
  // std::invalid_argument when protected_resource_metadata is not a JSON object.
  void mount(http::Server& http);

  // The checks every request of the MCP endpoint passes, for another endpoint that must pass
  // them too: Host and Origin, then the authentication hook. The principal, or nullopt with
  // `res` filled with the refusal.
  std::optional<Principal> admit(const http::Request& req, http::Response& res) const;

  std::size_t session_count() const;
  const ServerOptions& options() const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace mcph::mcp
