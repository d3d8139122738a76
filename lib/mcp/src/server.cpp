// The HTTP side of the Streamable HTTP transport: admission (Host/Origin, authentication),
// content negotiation, sessions, batches, and the answer as JSON or as one SSE body.
#include "mcph/mcp/server.h"

#include <algorithm>
#include <cstdio>
#include <unordered_map>

#include "jsonrpc.h"
#include "media_type.h"
#include "mcph/mcp/sse.h"
#include "modern_request.h"
#include "origin_policy.h"
#include "resource_results.h"
#include "session_store.h"
#include "sse_streams.h"
#include "tool_registry.h"
#include "mcph/text/join.h"

namespace mcph::mcp {

using nlohmann::json;
using detail::Message;
using detail::MessageKind;
using detail::RpcFailure;
using detail::Session;

namespace {

std::string regex_escape(const std::string& text) {
  std::string out;
  for (char c : text) {
    if (std::string_view(".^$|()[]{}*+?\\").find(c) != std::string_view::npos) out.push_back('\\');
    out.push_back(c);
  }
  return out;
}

// An HTTP-level refusal: the status, and a JSON-RPC error body with the request's id (null
// when unknown), as the transport allows for input the server cannot accept.
void refuse(http::Response& res, int status, int code, std::string message, const json& id = nullptr,
            json data = nullptr) {
  res.set_json(status, detail::serialize(detail::error_response(id, code, std::move(message), std::move(data))));
}

bool is_error_response(const json& response) { return response.contains("error"); }

}  // namespace

struct Server::Impl {
  ServerOptions options;
  detail::OriginPolicy origin_policy;
  detail::SessionStore sessions;
  detail::ToolRegistry tools;
  detail::SseStreams sse_streams;
  std::unordered_map<std::string, LegacyMethod> legacy_handlers;
  std::optional<ResourceSource> resources;
  bool mounted = false;

  explicit Impl(ServerOptions opts)
      : options(std::move(opts)),
        origin_policy(options.allowed_hosts),
        sessions(options.max_sessions),
        tools(options.name),
        sse_streams(options.max_sse_streams, options.max_sse_streams_per_subject) {}

  // ---- admission -------------------------------------------------------------------------

  // Host/Origin, then the authentication hook. Fills `res` and returns nullopt when refused.
  std::optional<Principal> admit(const http::Request& req, http::Response& res) const {
    if (!admit_origin(req, res)) return std::nullopt;
    if (!options.authenticate) return Principal{};
    AuthResult result = options.authenticate(req);
    if (result.allowed()) return result.principal();
    const AuthRejection& rejection = result.rejection();
    if (rejection.body.empty()) {
      refuse(res, rejection.status, jsonrpc::kServerError, rejection.message);
    } else {
      res.status = rejection.status;
      res.body = rejection.body;
      res.content_type = rejection.content_type;
    }
    for (const auto& [name, value] : rejection.headers) res.set_header(name, value);
    return std::nullopt;
  }

  bool admit_origin(const http::Request& req, http::Response& res) const {
    if (auto reason = origin_policy.refusal(http::find_field(req.headers, "Host"),
                                            http::find_field(req.headers, "Origin"))) {
      refuse(res, 403, jsonrpc::kServerError, "Forbidden: " + *reason);
      return false;
    }
    return true;
  }

  // The session named by the request, or nullptr with `res` filled: 400 without the header,
  // 404 when unknown, ended, or created by another principal (not told apart, so that a
  // session id of someone else reveals nothing).
  std::shared_ptr<Session> require_session(const http::Request& req, http::Response& res,
                                           const Principal& principal) {
    const auto id = http::find_field(req.headers, kSessionIdHeader);
    if (!id || id->empty()) {
      refuse(res, 400, jsonrpc::kServerError, "Bad Request: Mcp-Session-Id header is required");
      return nullptr;
    }
    auto session = sessions.find(*id);
    if (!session || session->subject != principal.subject) {
      refuse(res, 404, jsonrpc::kServerError, "Session not found");
      return nullptr;
    }
    return session;
  }

  // MCP-Protocol-Version on requests after initialize: absent = the negotiated version.
  bool check_version_header(const http::Request& req, http::Response& res, const Session& session) const {
    const auto version = http::find_field(req.headers, kProtocolVersionHeader);
    if (!version) return true;
    if (!is_supported_protocol_version(*version)) {
      refuse(res, 400, jsonrpc::kServerError, "Bad Request: Unsupported protocol version: " + *version +
                                                   " (supported: " + text::join(supported_protocol_versions()) + ")");
      return false;
    }
    if (*version != session.protocol_version) {
      refuse(res, 400, jsonrpc::kServerError,
             "Bad Request: MCP-Protocol-Version " + *version + " does not match the negotiated version " +
                 session.protocol_version);
      return false;
    }
    return true;
  }

  // ---- protocol methods -------------------------------------------------------------------

  json initialize_result(const json& params, std::string& negotiated) const {
    const auto requested = params.is_object() ? params.find("protocolVersion") : params.end();
    if (!params.is_object() || requested == params.end() || !requested->is_string()) {
      throw RpcFailure(jsonrpc::kInvalidParams, "Invalid params: \"protocolVersion\" must be a string");
    }
    const std::string version = requested->get<std::string>();
    negotiated = is_supported_protocol_version(version) ? version : latest_protocol_version();
    json result{{"protocolVersion", negotiated},
                {"capabilities", capabilities()},
                {"serverInfo", {{"name", options.name}, {"version", options.version}}}};
    if (!options.instructions.empty()) result["instructions"] = options.instructions;
    return result;
  }

  json capabilities() const {
    json out{{"logging", json::object()}, {"tools", {{"listChanged", false}}}};
    if (resources) out["resources"] = json::object();
    return out;
  }

  // resources/list and resources/read, in either era; nullopt for any other method.
  std::optional<json> resource_result(const std::string& method, const json& params, const Principal& principal) const {
    if (!resources) return std::nullopt;
    if (method == "resources/list") return detail::resources_list_result(*resources, principal);
    if (method == "resources/read") return detail::resources_read_result(*resources, params, principal);
    return std::nullopt;
  }

  // Answers one request. `session` is null on the legacy transport, where a CallRefused is
  // the answer: its error, and its status and headers in `refused`.
  json dispatch(const Message& message, const Principal& principal, Session* session,
                const http::Request& req, std::vector<json>& notifications,
                std::optional<CallRefused>* refused = nullptr) const {
    static const std::string kNoSession;
    try {
      if (!message.params.is_null() && !message.params.is_object()) {
        throw RpcFailure(jsonrpc::kInvalidParams, "Invalid params: expected an object");
      }
      const json params = message.params.is_null() ? json::object() : message.params;
      if (message.method == "ping") return detail::result_response(message.id, json::object());
      if (message.method == "initialize") {
        if (session != nullptr) {
          throw RpcFailure(jsonrpc::kInvalidRequest, "Invalid Request: initialize must be sent alone, not in a batch");
        }
        std::string negotiated;
        return detail::result_response(message.id, initialize_result(params, negotiated));
      }
      if (message.method == "logging/setLevel") {
        const auto level = params.find("level");
        const auto parsed = level != params.end() && level->is_string()
                                ? parse_log_level(level->get<std::string>())
                                : std::nullopt;
        if (!parsed) throw RpcFailure(jsonrpc::kInvalidParams, "Invalid params: unknown logging level");
        if (session != nullptr) session->log_level = *parsed;
        return detail::result_response(message.id, json::object());
      }
      if (message.method == "tools/list") return detail::result_response(message.id, tools.list_result());
      if (auto result = resource_result(message.method, params, principal)) {
        return detail::result_response(message.id, std::move(*result));
      }
      if (message.method == "tools/call") {
        const std::string& version = session != nullptr ? session->protocol_version : latest_protocol_version();
        detail::CallScope scope{principal, session != nullptr ? session->id : kNoSession, version, req,
                                session != nullptr ? session->log_level.load() : LogLevel::debug,
                                /*refusal_answers_request=*/session == nullptr};
        return detail::result_response(message.id, tools.call(params, scope, notifications));
      }
      if (const auto legacy = legacy_handlers.find(message.method); session == nullptr && legacy != legacy_handlers.end()) {
        return detail::result_response(message.id, legacy->second(params, principal, req));
      }
      throw RpcFailure(jsonrpc::kMethodNotFound, "Method not found: " + message.method);
    } catch (const CallRefused& refusal) {
      if (refused != nullptr) refused->emplace(refusal);
      return detail::error_response(message.id, refusal.code(), refusal.what());
    } catch (const ToolError& error) {  // a legacy method's
      return detail::error_response(message.id, jsonrpc::kInvalidParams, error.what());
    } catch (const RpcFailure& failure) {
      return detail::error_response(message.id, failure.code(), failure.what());
    } catch (const std::exception& e) {
      std::fprintf(stderr, "[%s] %s failed: %s\n", options.name.c_str(), message.method.c_str(), e.what());
      return detail::error_response(message.id, jsonrpc::kInternalError, "Internal error");
    }
  }

  // ---- answers ---------------------------------------------------------------------------

  // One request's (or batch's) answer: JSON when the client takes it and there is nothing to
  // stream before it, otherwise one SSE body — the notifications, then the response(s).
  static void respond(http::Response& res, const detail::AcceptedTypes& accepted,
                      const std::vector<json>& notifications, const json& payload) {
    if (accepted.json && (notifications.empty() || !accepted.event_stream)) {
      res.set_json(200, detail::serialize(payload));
      return;
    }
    std::string body;
    for (const auto& note : notifications) body += format_sse_event(detail::serialize(note));
    if (payload.is_array()) {
      for (const auto& item : payload) body += format_sse_event(detail::serialize(item));
    } else {
      body += format_sse_event(detail::serialize(payload));
    }
    res.status = 200;
    res.body = std::move(body);
    res.content_type = "text/event-stream";
    res.set_header("Cache-Control", "no-cache");
  }

  // ---- HTTP handlers ---------------------------------------------------------------------

  void handle_post(const http::Request& req, http::Response& res) {
    auto principal = admit(req, res);
    if (!principal) return;
    std::string storage;
    if (detail::media_type_of(req.header("Content-Type"), storage) != "application/json") {
      refuse(res, 415, jsonrpc::kServerError, "Unsupported Media Type: Content-Type must be application/json");
      return;
    }
    const auto accepted = detail::parse_accept(req.header("Accept"));
    if (!accepted.json && !accepted.event_stream) {
      refuse(res, 406, jsonrpc::kServerError,
             "Not Acceptable: Accept must allow application/json or text/event-stream");
      return;
    }
    const json body = json::parse(req.body, nullptr, /*allow_exceptions=*/false);
    if (body.is_discarded()) {
      refuse(res, 400, jsonrpc::kParseError, "Parse error");
      return;
    }
    if (body.is_array()) {
      handle_batch(req, res, *principal, accepted, body);
      return;
    }
    const Message message = detail::classify(body);
    if (message.kind == MessageKind::invalid) {
      refuse(res, 400, jsonrpc::kInvalidRequest, "Invalid Request: " + message.problem, message.id);
      return;
    }
    if (options.modern_era && detail::opens_modern_request(req, message)) {
      handle_modern(req, res, *principal, accepted, message);
      return;
    }
    if (message.kind == MessageKind::request && message.method == "initialize") {
      handle_initialize(res, *principal, accepted, message);
      return;
    }
    auto session = require_session(req, res, *principal);
    if (!session || !check_version_header(req, res, *session)) return;
    // Notifications (notifications/initialized, cancelled, …) and responses need no answer;
    // requests are not held back until notifications/initialized arrives.
    if (message.kind != MessageKind::request) {
      res.status = 202;
      return;
    }
    // A tool the caller's token has no scope for is refused at the HTTP level, where the client
    // learns which scope to ask for (MCP authorization: 403 insufficient_scope).
    if (message.method == "tools/call") {
      if (const std::string missing = tools.missing_scopes(message.params, *principal); !missing.empty()) {
        refuse_insufficient_scope(res, missing, message.id);
        return;
      }
    }
    std::vector<json> notifications;
    const json response = dispatch(message, *principal, session.get(), req, notifications);
    respond(res, accepted, notifications, response);
  }

  // ---- the modern era (2026-07-28) ------------------------------------------------------

  void handle_modern(const http::Request& req, http::Response& res, const Principal& principal,
                     const detail::AcceptedTypes& accepted, const Message& message) {
    const detail::ModernLeniency leniency{options.unsafe_authorize_on_header, options.unsafe_version_from_header};
    if (auto refusal = detail::check_modern_request(req, message, leniency)) {
      refuse(res, refusal->status, refusal->code, refusal->message, message.id, std::move(refusal->data));
      return;
    }
    if (message.kind != MessageKind::request) {
      res.status = 202;
      return;
    }
    if (!is_modern_method(message.method)) {
      refuse(res, 404, jsonrpc::kMethodNotFound, "Method not found: " + message.method, message.id);
      return;
    }
    if (message.method == "tools/call") {
      json checked = message.params;
      // The defect the switch stands for: authorization decided on the header, execution on the body.
      if (options.unsafe_authorize_on_header && req.has_header(kNameHeader)) checked["name"] = req.header(kNameHeader);
      if (const std::string missing = tools.missing_scopes(checked, principal); !missing.empty()) {
        refuse_insufficient_scope(res, missing, message.id);
        return;
      }
    }
    std::vector<json> notifications;
    respond(res, accepted, notifications, dispatch_modern(message, principal, req, notifications));
  }

  bool is_modern_method(const std::string& method) const {
    if (method == "server/discover" || method == "tools/list" || method == "tools/call") return true;
    return resources && (method == "resources/list" || method == "resources/read");
  }

  json dispatch_modern(const Message& message, const Principal& principal, const http::Request& req,
                       std::vector<json>& notifications) const {
    static const std::string kNoSession;
    static const std::string kVersion(kModernProtocolVersion);
    const json& params = message.params;
    const json& meta = params["_meta"];
    try {
      json result;
      std::string cache_scope;  // empty: not a cacheable result
      if (message.method == "server/discover") {
        result = {{"supportedVersions", all_protocol_versions()}, {"capabilities", capabilities()}};
        if (!options.instructions.empty()) result["instructions"] = options.instructions;
        cache_scope = "public";
      } else if (message.method == "tools/list") {
        result = tools.list_result();
        cache_scope = "public";  // every caller is listed the same tools
      } else if (message.method == "tools/call") {
        const auto level = meta.find("io.modelcontextprotocol/logLevel");
        const auto threshold = level != meta.end() && level->is_string() ? parse_log_level(level->get<std::string>())
                                                                         : std::nullopt;
        detail::CallScope scope{principal, kNoSession, kVersion, req, threshold.value_or(LogLevel::debug),
                                /*refusal_answers_request=*/false, /*log_enabled=*/threshold.has_value()};
        result = tools.call(params, scope, notifications);
      } else {
        result = *resource_result(message.method, params, principal);
        cache_scope = resources->per_user && !options.unsafe_public_cache_scope ? "private" : "public";
      }
      result["resultType"] = "complete";
      result["_meta"][std::string(kMetaServerInfo)] = {{"name", options.name}, {"version", options.version}};
      if (!cache_scope.empty()) {
        result["ttlMs"] = options.cache_ttl.count();
        result["cacheScope"] = cache_scope;
      }
      return detail::result_response(message.id, std::move(result));
    } catch (const RpcFailure& failure) {
      return detail::error_response(message.id, failure.code(), failure.what());
    } catch (const std::exception& e) {
      std::fprintf(stderr, "[%s] %s failed: %s\n", options.name.c_str(), message.method.c_str(), e.what());
      return detail::error_response(message.id, jsonrpc::kInternalError, "Internal error");
    }
  }

  void refuse_insufficient_scope(http::Response& res, const std::string& missing, const json& id) const {
    refuse(res, 403, jsonrpc::kServerError, "insufficient_scope: this tool needs scope " + missing, id);
    res.set_header("WWW-Authenticate", options.insufficient_scope_challenge
                                           ? options.insufficient_scope_challenge(missing)
                                           : "Bearer error=\"insufficient_scope\", scope=\"" + missing + "\"");
  }

  void handle_initialize(http::Response& res, const Principal& principal, const detail::AcceptedTypes& accepted,
                         const Message& message) {
    json result;
    std::string negotiated;
    try {
      result = initialize_result(message.params, negotiated);
    } catch (const RpcFailure& failure) {
      respond(res, accepted, {}, detail::error_response(message.id, failure.code(), failure.what()));
      return;
    }
    auto session = sessions.create(negotiated, principal.subject);
    res.set_header(std::string(kSessionIdHeader), session->id);
    respond(res, accepted, {}, detail::result_response(message.id, std::move(result)));
  }

  void handle_batch(const http::Request& req, http::Response& res, const Principal& principal,
                    const detail::AcceptedTypes& accepted, const json& batch) {
    if (batch.empty()) {
      refuse(res, 400, jsonrpc::kInvalidRequest, "Invalid Request: empty batch");
      return;
    }
    auto session = require_session(req, res, principal);
    if (!session || !check_version_header(req, res, *session)) return;
    if (!protocol_allows_batches(session->protocol_version)) {
      refuse(res, 400, jsonrpc::kInvalidRequest,
             "Invalid Request: JSON-RPC batches are not supported in protocol version " + session->protocol_version);
      return;
    }
    std::vector<Message> messages;
    messages.reserve(batch.size());
    for (const auto& item : batch) messages.push_back(detail::classify(item));
    if (options.charge_batch) {
      const auto requests = static_cast<std::size_t>(std::count_if(
          messages.begin(), messages.end(), [](const Message& message) { return message.kind == MessageKind::request; }));
      if (requests > 1) {
        if (const auto wait = options.charge_batch(principal, requests - 1)) {
          refuse(res, 429, jsonrpc::kServerError,
                 "Too Many Requests: a batch of " + std::to_string(requests) +
                     " requests is as many calls, beyond this caller's rate limit");
          res.set_header("Retry-After", std::to_string(wait->count()));
          return;
        }
      }
    }
    std::vector<json> notifications;
    json responses = json::array();
    for (const Message& message : messages) {
      switch (message.kind) {
        case MessageKind::invalid:
          responses.push_back(detail::error_response(message.id, jsonrpc::kInvalidRequest,
                                                     "Invalid Request: " + message.problem));
          break;
        case MessageKind::request:
          responses.push_back(dispatch(message, principal, session.get(), req, notifications));
          break;
        default:  // notifications and responses: nothing to answer
          break;
      }
    }
    if (responses.empty()) {
      res.status = 202;
      return;
    }
    respond(res, accepted, notifications, responses);
  }

  void handle_delete(const http::Request& req, http::Response& res) {
    auto principal = admit(req, res);
    if (!principal) return;
    auto session = require_session(req, res, *principal);
    if (!session) return;
    sessions.erase(session->id);
    res.status = 200;
  }

  void handle_get(const http::Request& req, http::Response& res) const {
    if (!admit(req, res)) return;
    refuse(res, 405, jsonrpc::kServerError, "Method Not Allowed: this server offers no standalone SSE stream");
    res.set_header("Allow", "POST, DELETE");
  }

  // The original demo's transport: one plain JSON-RPC message per POST, no session, JSON only.
  // Errors come with 400 (500 for internal errors), as the demo servers answer them, or with 200
  // when legacy_errors_as_http_errors is off; a tool's CallRefused with its own status.
  void handle_legacy(const http::Request& req, http::Response& res) const {
    auto principal = admit(req, res);
    if (!principal) return;
    const json body = json::parse(req.body, nullptr, /*allow_exceptions=*/false);
    if (body.is_discarded()) {
      refuse(res, 400, jsonrpc::kParseError, "Parse error");
      return;
    }
    const Message message = detail::classify(body);
    if (message.kind == MessageKind::invalid) {
      refuse(res, 400, jsonrpc::kInvalidRequest, "Invalid Request: " + message.problem, message.id);
      return;
    }
    if (message.kind != MessageKind::request) {
      res.status = 202;
      return;
    }
    const auto& answered = options.legacy_methods;
    const int error_status = options.legacy_errors_as_http_errors ? 400 : 200;
    if (!answered.empty() && std::find(answered.begin(), answered.end(), message.method) == answered.end()) {
      refuse(res, error_status, jsonrpc::kMethodNotFound, "Unknown method: " + message.method, message.id);
      return;
    }
    std::vector<json> notifications;  // no stream to carry them
    std::optional<CallRefused> refused;
    const json response = dispatch(message, *principal, nullptr, req, notifications, &refused);
    int status = 200;
    if (refused) {
      status = refused->status();
      for (const auto& [name, value] : refused->headers()) res.set_header(name, value);
    } else if (is_error_response(response)) {
      status = response["error"]["code"] == jsonrpc::kInternalError ? 500 : error_status;
    }
    res.set_json(status, detail::serialize(response));
  }

  // ---- the HTTP+SSE transport (2024-11-05) ---------------------------------------------

  void handle_sse_stream(const http::Request& req, http::Response& res) {
    auto principal = admit(req, res);
    if (!principal) return;
    auto reservation = sse_streams.reserve(*principal);
    if (reservation.refusal == detail::SseStreams::Refusal::subject_full) {
      refuse(res, 429, jsonrpc::kServerError,
             "Too Many Requests: at most " + std::to_string(sse_streams.max_streams_per_subject()) +
                 " open SSE streams per user");
      res.set_header("Retry-After", "1");
      return;
    }
    if (reservation.refusal == detail::SseStreams::Refusal::server_full) {
      refuse(res, 503, jsonrpc::kServerError,
             "Service Unavailable: at most " + std::to_string(sse_streams.max_streams()) + " open SSE streams");
      res.set_header("Retry-After", "1");
      return;
    }
    const auto session = reservation.session;
    session->protocol_version = kSseProtocolVersion;
    res.status = 200;
    res.content_type = "text/event-stream";
    res.set_header("Cache-Control", "no-store");
    res.set_header("X-Accel-Buffering", "no");
    http::StreamStart start;
    start.keep_alive = ": ping\n\n";
    start.keep_alive_interval = options.sse_keep_alive;
    const std::string endpoint = options.sse_messages_path + "?session_id=" + session->id;
    start.opened = [this, id = session->id, endpoint](std::shared_ptr<http::ResponseStream> stream) {
      sse_streams.attach(id, stream);
      stream->write(format_sse_event(endpoint, "endpoint"));
    };
    res.stream = std::move(start);
  }

  // The messages of an SSE session: the answer is 202 at once (or the refusal); what the
  // message asks for goes on the session's stream.
  void handle_sse_message(const http::Request& req, http::Response& res) {
    std::optional<Principal> principal;
    if (options.unsafe_sse_token_on_stream_only) {
      if (!admit_origin(req, res)) return;
    } else {
      principal = admit(req, res);
      if (!principal) return;
    }
    const auto id = req.query_param("session_id");
    if (!id || id->empty()) {
      refuse(res, 400, jsonrpc::kServerError, "Bad Request: session_id is required");
      return;
    }
    const auto open = sse_streams.find(*id);
    const bool owned = open && (!principal || open->session->subject == principal->subject);
    if (!open || (!owned && !options.unsafe_sse_session_any_user)) {
      refuse(res, 404, jsonrpc::kServerError, "Could not find session");
      return;
    }
    if (!principal) principal = open->opener;
    const json body = json::parse(req.body, nullptr, /*allow_exceptions=*/false);
    if (body.is_discarded()) {
      refuse(res, 400, jsonrpc::kParseError, "Parse error: could not parse message");
      return;
    }
    if (body.is_array()) {
      refuse(res, 400, jsonrpc::kInvalidRequest, "Invalid Request: batches are not supported on this transport");
      return;
    }
    const Message message = detail::classify(body);
    if (message.kind == MessageKind::invalid) {
      refuse(res, 400, jsonrpc::kInvalidRequest, "Invalid Request: " + message.problem, message.id);
      return;
    }
    res.status = 202;
    res.body = "Accepted";
    if (message.kind != MessageKind::request) return;
    std::vector<json> notifications;
    json response;
    if (message.method == "initialize") {
      try {
        std::string negotiated;
        json result = initialize_result(message.params, negotiated);
        // This transport's own version stays when asked for; any other is negotiated as usual.
        const auto asked = message.params.find("protocolVersion");
        if (*asked == kSseProtocolVersion) {
          negotiated = kSseProtocolVersion;
          result["protocolVersion"] = negotiated;
        }
        open->session->protocol_version = negotiated;
        response = detail::result_response(message.id, std::move(result));
      } catch (const RpcFailure& failure) {
        response = detail::error_response(message.id, failure.code(), failure.what());
      }
    } else {
      response = dispatch(message, *principal, open->session.get(), req, notifications);
    }
    std::string events;
    for (const auto& note : notifications) events += format_sse_event(detail::serialize(note));
    events += format_sse_event(detail::serialize(response));
    if (!open->stream->write(events)) refuse(res, 404, jsonrpc::kServerError, "Could not find session");
  }

  static constexpr const char* kSseProtocolVersion = "2024-11-05";
};

Server::Server(ServerOptions options) : impl_(std::make_unique<Impl>(std::move(options))) {}
Server::~Server() = default;

void Server::add_tool(ToolDefinition definition, ToolHandler handler) {
  if (impl_->mounted) throw std::logic_error("add_tool after mount: tools are fixed once serving");
  impl_->tools.add(std::move(definition), std::move(handler));
}

void Server::add_legacy_method(std::string method, LegacyMethod handler) {
  if (impl_->mounted) throw std::logic_error("add_legacy_method after mount: methods are fixed once serving");
  if (!handler) throw std::invalid_argument("legacy method " + method + " has no handler");
  if (!impl_->legacy_handlers.emplace(std::move(method), std::move(handler)).second) {
    throw std::invalid_argument("duplicate legacy method");
  }
}

void Server::add_resources(ResourceSource source) {
  if (impl_->mounted) throw std::logic_error("add_resources after mount: resources are fixed once serving");
  if (!source.list || !source.read) throw std::invalid_argument("a resource source needs list and read");
  impl_->resources = std::move(source);
}

void Server::mount(http::Server& http) {
  impl_->mounted = true;
  Impl* impl = impl_.get();
  const std::string path = regex_escape(impl->options.path);
  http.route("POST", path, [impl](const http::Request& req, http::Response& res) { impl->handle_post(req, res); });
  http.route("DELETE", path, [impl](const http::Request& req, http::Response& res) { impl->handle_delete(req, res); });
  http.route("GET", path, [impl](const http::Request& req, http::Response& res) { impl->handle_get(req, res); });
  if (!impl->options.protected_resource_metadata.empty()) {
    const json metadata = json::parse(impl->options.protected_resource_metadata, nullptr, false);
    if (!metadata.is_object()) throw std::invalid_argument("protected_resource_metadata must be a JSON object");
    const std::string document = metadata.dump();
    auto serve = [document](const http::Request&, http::Response& res) { res.set_json(200, document); };
    http.route("GET", "/\\.well-known/oauth-protected-resource", serve);
    http.route("GET", "/\\.well-known/oauth-protected-resource" + path, serve);
  }
  if (!impl->options.sse_path.empty()) {
    http.route("GET", regex_escape(impl->options.sse_path),
               [impl](const http::Request& req, http::Response& res) { impl->handle_sse_stream(req, res); });
    http.route("POST", regex_escape(impl->options.sse_messages_path),
               [impl](const http::Request& req, http::Response& res) { impl->handle_sse_message(req, res); });
  }
  if (!impl->options.legacy_path.empty()) {
    http.route("POST", regex_escape(impl->options.legacy_path),
               [impl](const http::Request& req, http::Response& res) { impl->handle_legacy(req, res); });
  }
}

std::optional<Principal> Server::admit(const http::Request& req, http::Response& res) const {
  return impl_->admit(req, res);
}
std::size_t Server::session_count() const { return impl_->sessions.size(); }
std::size_t Server::sse_stream_count() const { return impl_->sse_streams.size(); }
const ServerOptions& Server::options() const { return impl_->options; }

}  // namespace mcph::mcp
