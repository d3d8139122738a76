#pragma once
// The state and the parts of mcph::mcp::Server, shared by the files that implement them:
// server.cpp (the public API, admission, the POST entry and the answers both eras share),
// server_legacy.cpp (sessions, initialize, batches and the legacy path), server_modern.cpp (the
// 2026-07-28 era's self-contained requests) and server_sse.cpp (the HTTP+SSE transport).
#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

#include <nlohmann/json.hpp>

#include "jsonrpc.h"
#include "media_type.h"
#include "modern_request.h"
#include "mcph/mcp/server.h"
#include "origin_policy.h"
#include "request_state.h"
#include "session_store.h"
#include "sse_streams.h"
#include "tool_registry.h"

namespace mcph::mcp {

namespace detail {
// An HTTP-level refusal: the status, and a JSON-RPC error body with the request's id (null
// when unknown), as the transport allows for input the server cannot accept.
void refuse(http::Response& res, int status, int code, std::string message, const nlohmann::json& id = nullptr,
            nlohmann::json data = nullptr);
}  // namespace detail

// The names every part uses.
using nlohmann::json;
using detail::Message;
using detail::MessageKind;
using detail::RpcFailure;
using detail::Session;
using detail::refuse;

struct Server::Impl {
  ServerOptions options;
  detail::OriginPolicy origin_policy;
  detail::SessionStore sessions;
  detail::ToolRegistry tools;
  detail::SseStreams sse_streams;
  std::unordered_map<std::string, LegacyMethod> legacy_handlers;
  std::optional<ResourceSource> resources;
  detail::RequestStateSeal request_state;
  bool mounted = false;

  explicit Impl(ServerOptions opts);

  // ---- shared by every era (server.cpp) --------------------------------------------------

  // Host/Origin, then the authentication hook. Fills `res` and returns nullopt when refused.
  std::optional<Principal> admit(const http::Request& req, http::Response& res) const;

  bool admit_origin(const http::Request& req, http::Response& res) const;

  json capabilities() const;

  // resources/list and resources/read, in either era; nullopt for any other method.
  std::optional<json> resource_result(const std::string& method, const json& params, const Principal& principal) const;

  // One request's (or batch's) answer: JSON when the client takes it and there is nothing to
  // stream before it, otherwise one SSE body — the notifications, then the response(s).
  static void respond(http::Response& res, const detail::AcceptedTypes& accepted,
                      const std::vector<json>& notifications, const json& payload);

  void handle_post(const http::Request& req, http::Response& res);

  void refuse_insufficient_scope(http::Response& res, const std::string& missing, const json& id) const;
  // A legacy initialize at a modern-only server: 400, -32022, naming the versions it serves.
  void refuse_legacy_opening(http::Response& res, const Message& message) const;

  // ---- the legacy era: sessions and initialize (server_legacy.cpp) -----------------------

  // The session named by the request, or nullptr with `res` filled: 400 without the header,
  // 404 when unknown, ended, or created by another principal (not told apart, so that a
  // session id of someone else reveals nothing).
  std::shared_ptr<Session> require_session(const http::Request& req, http::Response& res,
                                           const Principal& principal);

  // MCP-Protocol-Version on requests after initialize: absent = the negotiated version.
  bool check_version_header(const http::Request& req, http::Response& res, const Session& session) const;

  json initialize_result(const json& params, std::string& negotiated) const;

  // Answers one request. `session` is null on the legacy transport, where a CallRefused is
  // the answer: its error, and its status and headers in `refused`.
  json dispatch(const Message& message, const Principal& principal, Session* session,
                const http::Request& req, std::vector<json>& notifications,
                std::optional<CallRefused>* refused = nullptr) const;

  void handle_initialize(http::Response& res, const Principal& principal, const detail::AcceptedTypes& accepted,
                         const Message& message);

  void handle_batch(const http::Request& req, http::Response& res, const Principal& principal,
                    const detail::AcceptedTypes& accepted, const json& batch);

  void handle_delete(const http::Request& req, http::Response& res);

  void handle_get(const http::Request& req, http::Response& res) const;

  // The original demo's transport: one plain JSON-RPC message per POST, no session, JSON only.
  // Errors come with 400 (500 for internal errors), as the demo servers answer them, or with 200
  // when legacy_errors_as_http_errors is off; a tool's CallRefused with its own status.
  void handle_legacy(const http::Request& req, http::Response& res) const;

  // ---- the modern era, 2026-07-28 (server_modern.cpp) ------------------------------------

  void handle_modern(const http::Request& req, http::Response& res, const Principal& principal,
                     const detail::AcceptedTypes& accepted, const Message& message);

  bool is_modern_method(const std::string& method) const;

  // ---- a call awaiting its confirmation, 2026-07-28 (server_confirmation.cpp) -------------

  // The refusal of a first round the client cannot be asked in: the tool needs a confirmation
  // and the request's capabilities declare no elicitation (400, -32021); nullopt otherwise.
  std::optional<detail::ModernRefusal> confirmation_capability_refusal(const Message& message) const;
  // For a tools/call of a tool that needs a confirmation: the input_required result that asks for
  // it (a first round, or a retry without the answer), the tool's error result when the user said
  // no, or nullopt when the retry's requestState is taken and the user said yes: the tool runs.
  // Throws RpcFailure (-32602) for a requestState refused.
  std::optional<json> confirmation_round(const Message& message, const Principal& principal) const;

  json dispatch_modern(const Message& message, const Principal& principal, const http::Request& req,
                       std::vector<json>& notifications) const;

  // ---- the HTTP+SSE transport, 2024-11-05 (server_sse.cpp) -------------------------------

  void handle_sse_stream(const http::Request& req, http::Response& res);

  // The messages of an SSE session: the answer is 202 at once (or the refusal); what the
  // message asks for goes on the session's stream.
  void handle_sse_message(const http::Request& req, http::Response& res);

  static constexpr const char* kSseProtocolVersion = "2024-11-05";
};

}  // namespace mcph::mcp
