#pragma once
// An MCP client for the harness and the tests. Two transports:
//   streamable_http  POST to the MCP endpoint with Accept: application/json, text/event-stream;
//                    initialize keeps Mcp-Session-Id and the negotiated protocol version and
//                    sends both on every later request; responses may be JSON or SSE.
//   sse              HTTP+SSE of protocol 2024-11-05: the endpoint is the …/sse URL; a GET
//                    of it stays open on a reader thread, its `endpoint` event names where
//                    to POST messages (…/messages/?session_id=…, on the same origin), and each
//                    request's response comes back on the stream. A request's RpcOutcome is
//                    the POST's status (202) and headers, with the messages the stream carried
//                    up to the response as its SSE body; a refused POST is its own answer, as
//                    is a refused GET. The stream opens at connect/initialize (or the first
//                    call), with that call's headers and the persistent ones; the session id
//                    is the endpoint's session_id (sessionId for TypeScript SDK servers; the
//                    endpoint's other query parameters are kept), and end_session closes the
//                    stream. An endpoint on another origin is refused.
//   legacy_sse_post  the original Python demo: one plain JSON-RPC request per POST to /sse,
//                    no initialize, no session; errors come as JSON-RPC bodies with 4xx/5xx.
// Over Streamable HTTP the client speaks an era of MCP (ClientOptions::era): legacy (initialize
// and a session, 2025-11-25 and earlier), modern (2026-07-28: no initialize, no session; every
// request carries its version, capabilities and client in params._meta and MCP-Protocol-Version,
// Mcp-Method, Mcp-Name and its tool's Mcp-Param-* headers; connect sends server/discover, then
// tools/list to learn which parameters a call repeats in headers), or dual (connect sends
// server/discover as a modern request; a result, or a 400 with a modern error, makes the client
// modern, anything else sends it to initialize, as the revision's dual-era client does).
// Every call returns the raw HTTP exchange as well, so tests can assert on error paths.
// Results and params are JSON text; parse them with nlohmann/json where needed.
// One Client holds one connection: use one per thread. Transport failures throw
// http::TransportError.
#include <array>
#include <chrono>
#include <functional>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "mcph/http/client.h"
#include "mcph/mcp/protocol.h"
#include "mcph/mcp/tool.h"

namespace mcph::mcp {

enum class Transport { streamable_http, sse, legacy_sse_post };
// How each is written, in the enum's order. sse: HTTP+SSE of protocol 2024-11-05 (GET /sse,
// POST /messages/?session_id=).
inline constexpr std::array<std::string_view, 3> kTransports = {"streamable-http", "sse", "legacy-sse-post"};
// "streamable-http" / "sse" / "legacy-sse-post", as in the stack file. Throws
// std::invalid_argument.
Transport parse_transport(std::string_view name);
std::string_view to_string(Transport transport);

enum class Era { legacy, modern, dual };
inline constexpr std::array<std::string_view, 3> kEras = {"legacy", "modern", "dual"};
// "legacy" / "modern" / "dual". Throws std::invalid_argument.
Era parse_era(std::string_view name);
std::string_view to_string(Era era);

// How a client answers a call the server answers input_required (2026-07-28
// basic/patterns/mrtr): given its inputRequests (JSON object text: key → an elicitation, sampling
// or roots request), the inputResponses to send back (JSON object text, the same keys), or none
// to leave the call input_required.
using InputAnswerer = std::function<std::optional<std::string>(const std::string& input_requests)>;

// The most retries of one call that a client answering input_required makes: a server that keeps
// asking is left asking.
inline constexpr int kMaxInputRounds = 4;

struct ClientOptions {
  Transport transport = Transport::streamable_http;
  Era era = Era::legacy;  // streamable_http only; the other transports are legacy
  std::string modern_protocol_version = std::string(kModernProtocolVersion);
  std::string protocol_version = latest_protocol_version();  // asked for at initialize
  std::string client_name = "mcph-harness";
  std::string client_version = "0.1.0";
  std::string accept = "application/json, text/event-stream";
  http::ClientOptions http;
  // sse: how long the stream may stay silent (servers send keep-alive comments meanwhile).
  std::chrono::milliseconds sse_idle_timeout{300000};
  // The modern era: set, the client declares elicitation among its capabilities and answers a
  // call's input_required result with it, retrying the call with the responses and the
  // requestState echoed (at most kMaxInputRounds times); unset, input_required is the answer.
  InputAnswerer answer_input;
};

struct RpcError {
  int code = 0;
  std::string message;
  std::string data;  // JSON text, empty when absent
};

// One HTTP exchange carrying a JSON-RPC message.
struct RpcOutcome {
  int http_status = 0;
  http::Fields headers;
  std::string body;
  std::string content_type;           // of the response
  std::vector<std::string> notifications;  // JSON text of each notification before the response
  std::optional<std::string> result;  // JSON text of `result`
  std::optional<RpcError> error;      // from the body, whatever the HTTP status

  bool ok() const { return http_status >= 200 && http_status < 300 && result.has_value(); }
  std::string header(std::string_view name) const { return http::find_field(headers, name).value_or(""); }
  // notifications whose method is `method`
  std::vector<std::string> notifications_named(std::string_view method) const;
};

struct ToolInfo {
  std::string name;
  std::string description;
  std::string input_schema;  // JSON text
};

struct ToolCallOutcome {
  RpcOutcome rpc;                 // the last round's exchange
  bool is_error = false;          // result.isError
  std::vector<Content> content;
  std::string structured_content; // JSON text, empty when absent
  // resultType input_required: the server asks for input before it runs the tool; nothing ran.
  bool input_required = false;
  std::string input_requests;     // its inputRequests, JSON object text ("" when absent)
  std::string request_state;      // its requestState ("" when absent)
  // The rounds answered before the last (ClientOptions::answer_input), in order.
  std::vector<RpcOutcome> earlier_rounds;

  // A result the tool completed without error.
  bool ok() const { return rpc.ok() && !is_error && !input_required; }
  std::string text() const;  // the text items of `content`, joined with "\n"
};

class Client {
 public:
  // endpoint_url: the MCP endpoint (…/mcp) or, for the legacy transport, the …/sse URL.
  explicit Client(std::string endpoint_url, ClientOptions options = {});
  ~Client();
  Client(Client&&) noexcept;
  Client& operator=(Client&&) noexcept;

  // A header sent with every request from now on (e.g. Authorization); replaces a previous
  // value of the same name. An empty value removes it.
  void set_header(std::string name, std::string value);
  // Headers made afresh for each request from now on (a DPoP proof made for that very request):
  // called with its method and URL; they replace the persistent headers of the same names, and
  // a call's own headers replace them.
  using RequestHeaders = std::function<http::Fields(std::string_view method, const std::string& url)>;
  void set_request_headers(RequestHeaders make);

  // Streamable HTTP and SSE: initialize, then notifications/initialized (SSE opens its stream
  // first); in the modern era server/discover, then tools/list (its failure ignored). Legacy:
  // nothing to do.
  // Returns the initialize or server/discover exchange (legacy: a default RpcOutcome with
  // http_status 0).
  RpcOutcome connect(const http::Fields& headers = {});
  // The initialize request alone; on success keeps the session id and protocol version.
  RpcOutcome initialize(const http::Fields& headers = {});

  RpcOutcome ping(const http::Fields& headers = {});
  RpcOutcome set_log_level(LogLevel level, const http::Fields& headers = {});
  RpcOutcome list_tools_raw(const http::Fields& headers = {});
  // Every page (follows nextCursor); the client keeps each tool's parameter headers for its
  // calls. Throws std::runtime_error naming the failure when tools/list does not succeed.
  std::vector<ToolInfo> list_tools(const http::Fields& headers = {});
  // arguments_json: a JSON object as text ("" = omit). progress_token: adds
  // `_meta.progressToken` so the server may send progress notifications. An input_required
  // answer is answered by ClientOptions::answer_input when set (the rounds in earlier_rounds).
  ToolCallOutcome call_tool(std::string_view name, std::string_view arguments_json = "{}",
                            const http::Fields& headers = {},
                            std::optional<std::string> progress_token = std::nullopt);

  // Any request (params_json: a JSON object as text, "" = omit) and any notification.
  RpcOutcome request(std::string_view method, std::string_view params_json = "",
                     const http::Fields& headers = {});
  RpcOutcome notify(std::string_view method, std::string_view params_json = "",
                    const http::Fields& headers = {});
  // POSTs `body` as is, with the session headers (when include_session) and Accept; parses
  // the answer as for any request.
  RpcOutcome post_raw(std::string_view body, const http::Fields& headers = {},
                      bool include_session = true, std::string_view content_type = "application/json");
  // DELETE with the session id; forgets the session when the server answers 2xx.
  RpcOutcome end_session(const http::Fields& headers = {});
  // Any HTTP method on the endpoint, session headers included.
  http::ClientResponse raw(std::string_view method, const http::Fields& headers = {},
                           std::string_view body = {}, std::string_view content_type = {});

  // sse: the messages its stream carried that no request of this client awaited (the answer to
  // another client's POST naming this session, a message sent unasked), waiting up to `wait`
  // for the first; empty when none came or no stream is open.
  std::vector<std::string> unclaimed_messages(std::chrono::milliseconds wait);
  // sse: the messages endpoint's path and query as the open stream's endpoint event named it,
  // with `session_id` in place of the session's ("" = without one). Throws std::logic_error
  // when no stream has been opened.
  std::string messages_target(std::string_view session_id) const;

  const std::string& session_id() const;
  const std::string& protocol_version() const;  // negotiated; the asked one before initialize
  void set_session_id(std::string id);          // for tests of foreign/expired sessions
  // The id of this client's next request (the ids then count up from it). A client that joins
  // another's session takes a range of its own: MCP forbids an id used twice in one session,
  // and a server that matches answers to requests by id leaves the second one unanswered.
  void set_next_request_id(std::int64_t id);
  void set_protocol_version(std::string version);
  Transport transport() const;
  // Whether requests go out in the modern era's form: era modern, or dual once connect found a
  // modern server.
  bool speaks_modern() const;
  const std::string& endpoint_url() const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace mcph::mcp
