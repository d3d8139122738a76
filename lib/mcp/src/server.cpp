// The HTTP side of the Streamable HTTP transport: admission (Host/Origin, authentication),
// content negotiation, the POST that either era opens, and the answer as JSON or as one SSE
// body. The eras themselves are in server_legacy.cpp and server_modern.cpp, the HTTP+SSE
// transport in server_sse.cpp.
#include "server_impl.h"

#include <stdexcept>

#include "mcph/mcp/sse.h"
#include "mcph/text/join.h"
#include "modern_request.h"
#include "resource_results.h"

namespace mcph::mcp {

namespace detail {

void refuse(http::Response& res, int status, int code, std::string message, const json& id, json data) {
  res.set_json(status, serialize(error_response(id, code, std::move(message), std::move(data))));
}

}  // namespace detail

namespace {

std::string regex_escape(const std::string& text) {
  std::string out;
  for (char c : text) {
    if (std::string_view(".^$|()[]{}*+?\\").find(c) != std::string_view::npos) out.push_back('\\');
    out.push_back(c);
  }
  return out;
}

}  // namespace

Server::Impl::Impl(ServerOptions opts)
    : options(std::move(opts)),
      origin_policy(options.allowed_hosts),
      sessions(options.max_sessions),
      tools(options.name),
      sse_streams(options.max_sse_streams, options.max_sse_streams_per_subject),
      request_state(options.request_state_key, options.request_state_ttl) {}

std::optional<Principal> Server::Impl::admit(const http::Request& req, http::Response& res) const {
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

bool Server::Impl::admit_origin(const http::Request& req, http::Response& res) const {
  if (auto reason = origin_policy.refusal(http::find_field(req.headers, "Host"),
                                          http::find_field(req.headers, "Origin"))) {
    refuse(res, 403, jsonrpc::kServerError, "Forbidden: " + *reason);
    return false;
  }
  return true;
}

json Server::Impl::capabilities() const {
  json out{{"logging", json::object()}, {"tools", {{"listChanged", false}}}};
  if (resources) out["resources"] = json::object();
  return out;
}

std::optional<json> Server::Impl::resource_result(const std::string& method, const json& params, const Principal& principal) const {
  if (!resources) return std::nullopt;
  if (method == "resources/list") return detail::resources_list_result(*resources, principal);
  if (method == "resources/read") return detail::resources_read_result(*resources, params, principal);
  return std::nullopt;
}

void Server::Impl::respond(http::Response& res, const detail::AcceptedTypes& accepted,
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

void Server::Impl::handle_post(const http::Request& req, http::Response& res) {
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
  if (body.is_array() && options.era == Era::modern) {
    refuse(res, 400, jsonrpc::kInvalidRequest, "Invalid Request: a POST carries one message; MCP 2026-07-28 has no batches");
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
  if (options.era == Era::modern && message.method == "initialize" && !req.has_header(kMethodHeader)) {
    refuse_legacy_opening(res, message);
    return;
  }
  if (options.era == Era::modern || (options.era == Era::dual && detail::opens_modern_request(req, message))) {
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

void Server::Impl::refuse_legacy_opening(http::Response& res, const Message& message) const {
  // A modern-only server names the versions it serves in its answer to initialize (2026-07-28,
  // basic/versioning), so that a client of both eras knows to speak the modern one.
  const auto asked = message.params.is_object() ? message.params.find("protocolVersion") : message.params.end();
  json data{{"supported", detail::protocol_versions_of(options.era)}};
  if (message.params.is_object() && asked != message.params.end()) data["requested"] = *asked;
  refuse(res, 400, jsonrpc::kUnsupportedProtocolVersion,
         "Unsupported protocol version: this server speaks MCP " + text::join(detail::protocol_versions_of(options.era)) +
             " alone, without initialize",
         message.id, std::move(data));
}

void Server::Impl::refuse_insufficient_scope(http::Response& res, const std::string& missing, const json& id) const {
  refuse(res, 403, jsonrpc::kServerError, "insufficient_scope: this tool needs scope " + missing, id);
  res.set_header("WWW-Authenticate", options.insufficient_scope_challenge
                                         ? options.insufficient_scope_challenge(missing)
                                         : "Bearer error=\"insufficient_scope\", scope=\"" + missing + "\"");
}

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
  if (!impl->options.sse_path.empty() && impl->options.era != Era::modern) {
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
