// The legacy era of the Streamable HTTP transport: initialize opens a session, later requests
// (and, in 2025-03-26, batches) name it; the plain JSON-RPC legacy path; GET and DELETE.
#include "server_impl.h"

#include <algorithm>
#include <cstdio>

#include "mcph/text/join.h"

namespace mcph::mcp {

namespace {
bool is_error_response(const json& response) { return response.contains("error"); }
}  // namespace

std::shared_ptr<Session> Server::Impl::require_session(const http::Request& req, http::Response& res,
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

bool Server::Impl::check_version_header(const http::Request& req, http::Response& res, const Session& session) const {
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

json Server::Impl::initialize_result(const json& params, std::string& negotiated) const {
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

json Server::Impl::dispatch(const Message& message, const Principal& principal, Session* session,
                            const http::Request& req, std::vector<json>& notifications,
                            std::optional<CallRefused>* refused) const {
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
    return detail::error_response(message.id, failure.code(), failure.what(), failure.data());
  } catch (const std::exception& e) {
    std::fprintf(stderr, "[%s] %s failed: %s\n", options.name.c_str(), message.method.c_str(), e.what());
    return detail::error_response(message.id, jsonrpc::kInternalError, "Internal error");
  }
}

void Server::Impl::handle_initialize(http::Response& res, const Principal& principal, const detail::AcceptedTypes& accepted,
                                     const Message& message) {
  json result;
  std::string negotiated;
  try {
    result = initialize_result(message.params, negotiated);
  } catch (const RpcFailure& failure) {
    respond(res, accepted, {}, detail::error_response(message.id, failure.code(), failure.what(), failure.data()));
    return;
  }
  auto session = sessions.create(negotiated, principal.subject);
  res.set_header(std::string(kSessionIdHeader), session->id);
  respond(res, accepted, {}, detail::result_response(message.id, std::move(result)));
}

void Server::Impl::handle_batch(const http::Request& req, http::Response& res, const Principal& principal,
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

void Server::Impl::handle_delete(const http::Request& req, http::Response& res) {
  auto principal = admit(req, res);
  if (!principal) return;
  if (options.era == Era::modern) {  // no session to end (2026-07-28, streamable-http)
    refuse(res, 405, jsonrpc::kServerError, "Method Not Allowed: MCP 2026-07-28 has no sessions to end");
    res.set_header("Allow", "POST");
    return;
  }
  auto session = require_session(req, res, *principal);
  if (!session) return;
  sessions.erase(session->id);
  res.status = 200;
}

void Server::Impl::handle_get(const http::Request& req, http::Response& res) const {
  if (!admit(req, res)) return;
  refuse(res, 405, jsonrpc::kServerError, "Method Not Allowed: this server offers no standalone SSE stream");
  res.set_header("Allow", options.era == Era::modern ? "POST" : "POST, DELETE");
}

void Server::Impl::handle_legacy(const http::Request& req, http::Response& res) const {
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

}  // namespace mcph::mcp
