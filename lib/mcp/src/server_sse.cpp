// The HTTP+SSE transport (2024-11-05): a stream per session, and the messages posted for it.
#include "server_impl.h"

#include "mcph/mcp/sse.h"

namespace mcph::mcp {

void Server::Impl::handle_sse_stream(const http::Request& req, http::Response& res) {
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

void Server::Impl::handle_sse_message(const http::Request& req, http::Response& res) {
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
      response = detail::error_response(message.id, failure.code(), failure.what(), failure.data());
    }
  } else {
    response = dispatch(message, *principal, open->session.get(), req, notifications);
  }
  std::string events;
  for (const auto& note : notifications) events += format_sse_event(detail::serialize(note));
  events += format_sse_event(detail::serialize(response));
  if (!open->stream->write(events)) refuse(res, 404, jsonrpc::kServerError, "Could not find session");
}

}  // namespace mcph::mcp
