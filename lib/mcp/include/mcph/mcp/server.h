#pragma once
// The server side of MCP's Streamable HTTP transport, mounted on an mcph::http::Server:
//   POST   <path>  one JSON-RPC message (or, in protocol 2025-03-26, a batch); answered with
//                  application/json or a single text/event-stream body carrying the
//                  notifications the call emitted and then the response, as Accept allows
//   DELETE <path>  ends the session named by Mcp-Session-Id
//   GET    <path>  405: this server opens no standalone SSE stream
// The modern era (protocol 2026-07-28) is served on the same endpoint: a POST without
// Mcp-Session-Id that carries Mcp-Method or _meta's protocol version is one self-contained
// request (no session; its version, capabilities, method and name checked on each, 400 with
// -32602/-32020/-32022 when they disagree, 404 for a method the era dropped, initialize too when
// it comes with _meta's version and without the legacy params.protocolVersion),
// answered with resultType and, for lists and reads, ttlMs and cacheScope. A tool that needs the
// user's confirmation (ToolDefinition::confirmation) answers its first tools/call input_required
// with a sealed requestState, and runs on the retry that brings a yes and the state back (400,
// -32021 when the client declares no elicitation; -32602 for a state refused: see
// request_state_ttl). Any other POST is the legacy era's.
// Legacy sessions start at initialize and are required afterwards (400 without one, 404 for an
// unknown one), Host and Origin are checked against an allow-list (403), and every request
// passes the authentication hook first. Optionally also serves plain JSON-RPC on a legacy path
// (no session; the original demo's `POST /sse`), the protected resource metadata document, and the
// HTTP+SSE transport of protocol 2024-11-05:
//   GET  <sse_path>             a text/event-stream whose first event is `endpoint`, its data
//                               <sse_messages_path>?session_id=<id>; responses and
//                               notifications follow as `message` events
//   POST <sse_messages_path>    one JSON-RPC message for session_id's stream: 202 Accepted,
//                               its response goes on the stream
// Both pass admission (Host/Origin, the authentication hook) on every request: a POST with a
// valid session id but no valid token is refused as any request is (401 and its challenge). A
// session belongs to the subject that opened its stream: a POST naming another's session is
// 404, as an unknown one is (told apart, the answer would confirm that a guessed or leaked id
// is live; nothing reaches the other's stream either way). A POST without session_id is 400.
// Open streams are bounded per subject (429) and overall (503); an open stream holds no worker
// thread, gets an SSE comment when idle for sse_keep_alive, and ends when the server stops.
#include <chrono>
#include <cstddef>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json_fwd.hpp>

#include "mcph/http/server.h"
#include "mcph/mcp/auth.h"
#include "mcph/mcp/client.h"  // mcp::Era, the eras a server serves as a client speaks them
#include "mcph/mcp/resource.h"
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
  // A rate limit counts calls, not HTTP requests: the authentication hook charges one call per
  // request, and a JSON-RPC batch (protocol 2025-03-26) of N requests is charged its N - 1
  // others here, before any of them runs. nullopt: they go ahead; else the whole batch is
  // refused, 429 with this Retry-After (seconds), and none of it runs (a client can split it).
  // Empty: batches cost one call.
  std::function<std::optional<std::chrono::seconds>(const Principal&, std::size_t further_calls)> charge_batch;
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
  // Non-empty: the only methods the legacy path answers; any other request is -32601
  // "Unknown method: <method>", as the demo's servers answer even `initialize`.
  std::vector<std::string> legacy_methods;
  // The HTTP status of the legacy path's JSON-RPC errors: true, 400, as the demo's servers
  // answer them; false, 200 with the error in the body alone. An internal error is 500, and a
  // tool's CallRefused is sent with its own status, either way.
  bool legacy_errors_as_http_errors = true;
  // Non-empty: also serve the HTTP+SSE transport (see above) with its stream at this path
  // (e.g. "/sse", beside a legacy_path POST /sse) and its messages at sse_messages_path.
  std::string sse_path;
  std::string sse_messages_path = "/messages/";
  std::size_t max_sse_streams = 1000;
  std::size_t max_sse_streams_per_subject = 16;
  std::chrono::milliseconds sse_keep_alive{15000};
  // UNSAFE, only for the harness's sabotage tests, the defects of HTTP+SSE servers it must find:
  // a POST to sse_messages_path passes Host/Origin but not the authentication hook, and acts as
  // whoever opened the stream (the token checked only when the stream opens) …
  bool unsafe_sse_token_on_stream_only = false;
  // … or names any subject's session: it acts as its own caller, and its answer goes on the
  // other subject's stream.
  bool unsafe_sse_session_any_user = false;
  // The WWW-Authenticate value of a tools/call refused for a scope the caller lacks (HTTP 403,
  // MCP authorization: insufficient_scope), given the scopes the tool needs; empty: a bare
  // `Bearer error="insufficient_scope", scope="…"`.
  std::function<std::string(const std::string& needed_scopes)> insufficient_scope_challenge;
  // The eras served on the endpoint. dual: a POST in the modern era's form is served as one,
  // anything else as the legacy era's. legacy: every POST is the legacy era's, as servers before
  // 2026-07-28 are. modern: 2026-07-28 alone, as its servers without the older era are: every
  // POST is a modern request (an Mcp-Session-Id is ignored, none is minted), `initialize` is
  // refused naming the versions served (400, -32022), GET and DELETE are 405, and the HTTP+SSE
  // transport (sse_path) is not served.
  Era era = Era::dual;
  // The modern era's ttlMs on list and read results.
  std::chrono::milliseconds cache_ttl{60000};
  // UNSAFE, only for the harness's sabotage tests, defects of modern-era servers it must find:
  // per-user results (a per-user ResourceSource's) are marked cacheScope "public" …
  bool unsafe_public_cache_scope = false;
  // … Mcp-Name is not compared with the body: the scope check reads the tool the header names,
  // and the call runs the body's …
  bool unsafe_authorize_on_header = false;
  // … MCP-Protocol-Version is not compared with _meta's version: the header's is taken …
  bool unsafe_version_from_header = false;
  // … a tool's parameter headers (Mcp-Param-*, its inputSchema's x-mcp-header) are not compared
  // with the arguments: a gateway that routes or authorizes on them is bypassed.
  bool unsafe_param_headers_unchecked = false;
  // How long the requestState of a call awaiting its confirmation (ToolDefinition::confirmation)
  // is good for, and the HMAC-SHA256 key that seals it (empty: a random key of this process).
  // A retry's state is refused (-32602, nothing runs) unless its MAC verifies under the key, it
  // was issued to the retry's caller (the authenticated subject), it has not expired, and the
  // retry is the request it was issued for (the same tool and arguments), and it is taken once:
  // a state already taken is refused until it expires (remembered by this process only).
  std::chrono::milliseconds request_state_ttl{300000};
  std::string request_state_key;
  // UNSAFE, only for the harness's sabotage tests, each one check of requestState skipped: its
  // MAC (a state altered by the client is taken) …
  bool unsafe_request_state_unsealed = false;
  // … its caller (another user's state is taken) …
  bool unsafe_request_state_any_caller = false;
  // … its expiry …
  bool unsafe_request_state_no_expiry = false;
  // … its request (a state confirming one call runs another) …
  bool unsafe_request_state_any_request = false;
  // … its single use (a confirmation sent twice runs twice).
  bool unsafe_request_state_reusable = false;
  // UNSAFE, only for the harness's sabotage tests: a retry bringing its state back runs the tool
  // whatever the user answered (a no runs it).
  bool unsafe_confirmation_any_answer = false;
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

  // A method beyond MCP's own, answered on the legacy path only (list it in legacy_methods
  // when that is set): the handler gets the request's params (an object) and its caller, and
  // returns the result, or throws CallRefused (its answer), or ToolError (-32602 with its
  // text). Register before mount().
  using LegacyMethod =
      std::function<nlohmann::json(const nlohmann::json& params, const Principal& caller, const http::Request& request)>;
  void add_legacy_method(std::string method, LegacyMethod handler);

  // Resources (resources/list, resources/read, in both eras). One source; register before mount().
  void add_resources(ResourceSource source);

  // Adds the routes to `http`. This Server must outlive `http`'s serving. Throws
  // std::invalid_argument when protected_resource_metadata is not a JSON object.
  void mount(http::Server& http);

  // The checks every request of the MCP endpoint passes, for another endpoint that must pass
  // them too: Host and Origin, then the authentication hook. The principal, or nullopt with
  // `res` filled with the refusal.
  std::optional<Principal> admit(const http::Request& req, http::Response& res) const;

  std::size_t session_count() const;
  std::size_t sse_stream_count() const;  // HTTP+SSE streams reserved or open
  const ServerOptions& options() const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace mcph::mcp
