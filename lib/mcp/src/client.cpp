#include "mcph/mcp/client.h"

#include <map>
#include <stdexcept>

#include <nlohmann/json.hpp>

#include "mcph/mcp/json.h"
#include "mcph/mcp/sse.h"
#include "mcph/http/url.h"
#include "mcph/text/choice.h"
#include "media_type.h"
#include "modern_client.h"
#include "sse_channel.h"

namespace mcph::mcp {

using nlohmann::json;

Transport parse_transport(std::string_view name) {
  if (const auto transport = text::choice_of<Transport>(name, kTransports)) return *transport;
  throw std::invalid_argument("unknown MCP transport '" + std::string(name) + "' (expected " + text::choices(kTransports) + ")");
}

std::string_view to_string(Transport transport) { return kTransports.at(static_cast<std::size_t>(transport)); }

Era parse_era(std::string_view name) {
  if (const auto era = text::choice_of<Era>(name, kEras)) return *era;
  throw std::invalid_argument("unknown MCP protocol era '" + std::string(name) + "' (expected " + text::choices(kEras) + ")");
}

std::string_view to_string(Era era) { return kEras.at(static_cast<std::size_t>(era)); }

std::vector<std::string> RpcOutcome::notifications_named(std::string_view method) const {
  std::vector<std::string> out;
  for (const auto& text : notifications) {
    const json note = json::parse(text, nullptr, false);
    if (note.is_object() && note.value("method", "") == method) out.push_back(text);
  }
  return out;
}

std::string ToolCallOutcome::text() const {
  std::string out;
  for (const auto& item : content) {
    if (item.type != "text") continue;
    if (!out.empty()) out += "\n";
    out += item.text;
  }
  return out;
}

namespace {

// Fills result/error from one JSON-RPC response object.
// `parsed_result`, when given, receives `result` as parsed, moved out of `response` (a tools/call
// reads its fields there instead of parsing the text again).
void take_response(json& response, RpcOutcome& outcome, json* parsed_result) {
  if (const auto result = response.find("result"); result != response.end()) {
    outcome.result = result->dump();
    if (parsed_result != nullptr) *parsed_result = std::move(*result);
  } else if (const auto error = response.find("error"); error != response.end() && error->is_object()) {
    RpcError e;
    if (const auto code = error->find("code"); code != error->end() && code->is_number_integer()) e.code = code->get<int>();
    if (const auto message = error->find("message"); message != error->end() && message->is_string()) {
      e.message = message->get<std::string>();
    }
    if (const auto data = error->find("data"); data != error->end()) e.data = data->dump();
    outcome.error = std::move(e);
  }
}

bool is_response_to(const json& message, const json& id) {
  return message.is_object() && !message.contains("method") && message.contains("id") &&
         (id.is_null() || message["id"] == id) && (message.contains("result") || message.contains("error"));
}

// Reads a JSON body or an SSE stream: notifications (and server requests) in order, then the
// response to `id` (any response when id is null). `parsed_result`: as take_response's, null
// when there is no result.
RpcOutcome parse_outcome(http::ClientResponse response, const json& id, json* parsed_result = nullptr) {
  if (parsed_result != nullptr) *parsed_result = nullptr;
  RpcOutcome outcome;
  outcome.http_status = response.status;
  outcome.content_type = response.header("Content-Type");
  outcome.body = std::move(response.body);
  outcome.headers = std::move(response.headers);
  auto consider = [&](json& message) {
    if (is_response_to(message, id)) {
      if (!outcome.result && !outcome.error) take_response(message, outcome, parsed_result);
    } else if (message.is_object() && message.contains("method")) {
      outcome.notifications.push_back(message.dump());
    }
  };
  if (is_event_stream(outcome.content_type)) {
    for (const auto& event : parse_sse(outcome.body)) {
      json message = json::parse(event.data, nullptr, false);
      if (!message.is_discarded()) consider(message);
    }
    return outcome;
  }
  json body = json::parse(outcome.body, nullptr, false);
  if (body.is_array()) {
    for (auto& item : body) consider(item);
  } else if (!body.is_discarded()) {
    // An HTTP-level refusal carries an error with a null id: take it whatever the id.
    if (is_response_to(body, id) || is_response_to(body, nullptr)) take_response(body, outcome, parsed_result);
  }
  return outcome;
}

json parse_params(std::string_view params_json, const char* what) {
  if (params_json.empty()) return nullptr;
  json params = json::parse(params_json, nullptr, false);
  if (params.is_discarded() || !params.is_object()) {
    throw std::invalid_argument(std::string(what) + " must be a JSON object");
  }
  return params;
}

// A tools/call answer read as a tool's result; `result` is its result as parsed.
ToolCallOutcome tool_outcome(RpcOutcome rpc, const json& result) {
  ToolCallOutcome outcome;
  outcome.rpc = std::move(rpc);
  if (!outcome.rpc.result) return outcome;
  if (!result.is_object()) return outcome;
  if (const auto it = result.find("isError"); it != result.end() && it->is_boolean()) outcome.is_error = it->get<bool>();
  if (const auto it = result.find("content"); it != result.end() && it->is_array()) {
    for (const auto& item : *it) outcome.content.push_back(content_from_json(item));
  }
  if (const auto it = result.find("structuredContent"); it != result.end()) outcome.structured_content = it->dump();
  outcome.input_required = result.value("resultType", json()) == "input_required";
  if (const auto it = result.find("inputRequests"); it != result.end()) outcome.input_requests = it->dump();
  if (const auto it = result.find("requestState"); it != result.end() && it->is_string()) {
    outcome.request_state = it->get<std::string>();
  }
  return outcome;
}

}  // namespace

struct Client::Impl {
  std::string endpoint;
  ClientOptions options;
  http::Client http;
  http::Fields headers;  // sent with every request
  RequestHeaders request_headers;  // made afresh for each request
  std::string session_id;
  std::string protocol_version;
  bool initialized = false;  // after a successful initialize: send MCP-Protocol-Version
  bool modern = false;       // requests in the modern era's form
  // Each listed tool's parameter headers (x-mcp-header), which the modern era's calls of it carry.
  std::map<std::string, std::vector<ParamHeader>, std::less<>> param_headers;
  std::int64_t next_id = 1;

  Impl(std::string url, ClientOptions opts)
      : endpoint(std::move(url)), options(std::move(opts)), http(endpoint, options.http),
        protocol_version(options.protocol_version) {
    if (streamable() && options.era == Era::modern) speak_modern();
  }

  void speak_modern() {
    modern = true;
    protocol_version = options.modern_protocol_version;
  }

  // One message in the modern era's form: _meta added, the standard headers before the call's own
  // (which replace them: a test may send a header that disagrees with the body). `parsed_result`,
  // here and below: as parse_outcome's.
  RpcOutcome post_modern(const json& message, const http::Fields& extra, json* parsed_result = nullptr) {
    const json sent = with_modern_meta(message, options.modern_protocol_version, options);
    static const std::vector<ParamHeader> kNone;
    const std::vector<ParamHeader>* params = &kNone;
    if (sent.value("method", "") == "tools/call" && sent["params"].value("name", json()).is_string()) {
      const auto known = param_headers.find(sent["params"]["name"].get<std::string>());
      if (known != param_headers.end()) params = &known->second;
    }
    http::Fields fields = modern_headers(sent, options.modern_protocol_version, *params);
    fields.insert(fields.end(), extra.begin(), extra.end());
    auto response = http.post("", sent.dump(), "application/json", compose(fields, false));
    return parse_outcome(std::move(response), sent.contains("id") ? sent["id"] : json(), parsed_result);
  }

  // The HTTP+SSE transport: the stream, and a client for the messages endpoint's origin.
  std::unique_ptr<detail::SseChannel> sse;
  std::unique_ptr<http::Client> messages;

  bool streamable() const { return options.transport == Transport::streamable_http; }
  bool over_sse() const { return options.transport == Transport::sse; }

  // Persistent headers, then the transport's, then the call's; a call header with an empty
  // value removes that header (tests use it to leave out the session id).
  // `method` and `target` name the request (target "": the endpoint, else one at the messages
  // endpoint's origin), for the headers made afresh for it.
  http::Fields compose(const http::Fields& extra, bool include_session, std::string_view method = "POST",
                       std::string_view target = "") const {
    http::Fields out = headers;
    auto put = [&out](const std::string& name, const std::string& value) {
      std::erase_if(out, [&](const auto& field) { return http::iequals(field.first, name); });
      if (!value.empty()) out.emplace_back(name, value);
    };
    put("Accept", streamable() ? options.accept : "application/json");
    if (streamable() && include_session) {
      put(std::string(kSessionIdHeader), session_id);
      if (initialized) put(std::string(kProtocolVersionHeader), protocol_version);
    }
    if (request_headers) {
      const std::string url = target.empty() ? endpoint : http::parse_url(endpoint).origin() + std::string(target);
      for (const auto& [name, value] : request_headers(method, url)) put(name, value);
    }
    for (const auto& [name, value] : extra) put(name, value);
    return out;
  }

  // A tools/call with `params`, read as a tool's result.
  ToolCallOutcome post_tool_call(json params, const http::Fields& extra) {
    json result;
    RpcOutcome rpc = post(request_message("tools/call", std::move(params)), extra, true, &result);
    return tool_outcome(std::move(rpc), result);
  }

  RpcOutcome post(const json& message, const http::Fields& extra, bool include_session = true,
                  json* parsed_result = nullptr) {
    if (modern && message.contains("method")) return post_modern(message, extra, parsed_result);
    const json id = message.contains("id") ? message["id"] : json();
    if (over_sse()) return post_over_sse(message.dump(), "application/json", id, extra, parsed_result);
    auto response = http.post("", message.dump(), "application/json", compose(extra, include_session));
    return parse_outcome(std::move(response), id, parsed_result);
  }

  // ---- HTTP+SSE ------------------------------------------------------------------------

  // Opens the stream unless it is open; the server's refusal of the GET when it refused.
  std::optional<RpcOutcome> ensure_stream(const http::Fields& extra, json* parsed_result = nullptr) {
    if (sse && sse->is_open()) return std::nullopt;
    if (!sse) sse = std::make_unique<detail::SseChannel>(endpoint, options.http, options.sse_idle_timeout);
    http::Fields headers = compose(extra, false, "GET");
    std::erase_if(headers, [](const auto& field) { return http::iequals(field.first, "Accept"); });
    const auto wait = options.http.connect_timeout + options.http.read_timeout;
    if (auto refused = sse->open(headers, wait)) return parse_outcome(std::move(*refused), json(), parsed_result);
    session_id = sse->session_id();
    if (!messages) messages = std::make_unique<http::Client>(http::parse_url(endpoint).origin(), options.http);
    return std::nullopt;
  }

  // The messages endpoint with the session id this client holds ("" = none).
  std::string messages_target() const { return sse->endpoint_target(session_id); }

  // POSTs one message to the messages endpoint; a request's answer is then the messages that
  // came on the stream up to its response, as an SSE body after the POST's status and headers.
  RpcOutcome post_over_sse(std::string_view body, std::string_view content_type, const json& id,
                           const http::Fields& extra, json* parsed_result = nullptr) {
    if (auto refused = ensure_stream(extra, parsed_result)) return std::move(*refused);
    http::ClientResponse response = messages->post(messages_target(), body, content_type, compose(extra, false, "POST", messages_target()));
    if (response.status < 200 || response.status >= 300 || id.is_null()) return parse_outcome(std::move(response), id, parsed_result);
    const auto received = sse->receive_until(
        [&id](const std::string& text) { return is_response_to(json::parse(text, nullptr, false), id); },
        options.http.read_timeout);
    response.body.clear();
    for (const auto& text : received) response.body += format_sse_event(text);
    std::erase_if(response.headers, [](const auto& field) { return http::iequals(field.first, "Content-Type"); });
    response.headers.emplace_back("Content-Type", "text/event-stream");
    return parse_outcome(std::move(response), id, parsed_result);
  }

  json request_message(std::string_view method, json params) {
    json message{{"jsonrpc", "2.0"}, {"id", next_id++}, {"method", method}};
    if (!params.is_null()) message["params"] = std::move(params);
    return message;
  }
};

Client::Client(std::string endpoint_url, ClientOptions options)
    : impl_(std::make_unique<Impl>(std::move(endpoint_url), std::move(options))) {}
Client::~Client() = default;
Client::Client(Client&&) noexcept = default;
Client& Client::operator=(Client&&) noexcept = default;

void Client::set_header(std::string name, std::string value) {
  auto& headers = impl_->headers;
  std::erase_if(headers, [&](const auto& field) { return http::iequals(field.first, name); });
  if (!value.empty()) headers.emplace_back(std::move(name), std::move(value));
}

void Client::set_request_headers(RequestHeaders make) { impl_->request_headers = std::move(make); }

RpcOutcome Client::connect(const http::Fields& headers) {
  if (impl_->options.transport == Transport::legacy_sse_post) return RpcOutcome{};
  if (impl_->streamable() && impl_->options.era != Era::legacy) {
    RpcOutcome discover = impl_->post_modern(impl_->request_message("server/discover", json::object()), headers);
    if (impl_->modern || detail::answers_modern(discover)) {
      impl_->speak_modern();
      // The tools' parameter headers, which a call must carry: a server that does not list its
      // tools to this caller is called without them.
      if (discover.ok()) {
        try {
          list_tools(headers);
        } catch (const std::exception&) {
        }
      }
      return discover;
    }
  }
  RpcOutcome outcome = initialize(headers);
  if (outcome.ok()) notify("notifications/initialized", "", headers);
  return outcome;
}

RpcOutcome Client::initialize(const http::Fields& headers) {
  json params{{"protocolVersion", impl_->options.protocol_version},
              {"capabilities", json::object()},
              {"clientInfo", {{"name", impl_->options.client_name}, {"version", impl_->options.client_version}}}};
  RpcOutcome outcome = impl_->post(impl_->request_message("initialize", std::move(params)), headers, false);
  if (outcome.ok()) {
    if (impl_->streamable()) impl_->session_id = outcome.header(kSessionIdHeader);
    const json result = json::parse(*outcome.result, nullptr, false);
    if (result.is_object() && result.contains("protocolVersion") && result["protocolVersion"].is_string()) {
      impl_->protocol_version = result["protocolVersion"].get<std::string>();
    }
    impl_->initialized = true;
  }
  return outcome;
}

RpcOutcome Client::ping(const http::Fields& headers) { return request("ping", "", headers); }

RpcOutcome Client::set_log_level(LogLevel level, const http::Fields& headers) {
  return request("logging/setLevel", json{{"level", to_string(level)}}.dump(), headers);
}

RpcOutcome Client::list_tools_raw(const http::Fields& headers) { return request("tools/list", "", headers); }

std::vector<ToolInfo> Client::list_tools(const http::Fields& headers) {
  std::vector<ToolInfo> tools;
  std::string cursor;
  // Follows nextCursor; a server that never stops paginating is cut off.
  for (int page = 0; page < 100; ++page) {
    RpcOutcome outcome = cursor.empty() ? list_tools_raw(headers)
                                        : request("tools/list", json{{"cursor", cursor}}.dump(), headers);
    if (!outcome.ok()) {
      throw std::runtime_error("tools/list failed: HTTP " + std::to_string(outcome.http_status) +
                               (outcome.error ? ", " + outcome.error->message : std::string()));
    }
    const json result = json::parse(*outcome.result, nullptr, false);
    if (!result.is_object() || !result.contains("tools") || !result["tools"].is_array()) {
      throw std::runtime_error("tools/list failed: result has no tools array");
    }
    for (const auto& tool : result["tools"]) {
      if (!tool.is_object()) continue;
      ToolInfo info;
      if (tool.contains("name") && tool["name"].is_string()) info.name = tool["name"].get<std::string>();
      if (tool.contains("description") && tool["description"].is_string()) {
        info.description = tool["description"].get<std::string>();
      }
      if (tool.contains("inputSchema")) {
        info.input_schema = tool["inputSchema"].dump();
        try {
          impl_->param_headers[info.name] = mcp::param_headers(tool["inputSchema"]);
        } catch (const std::invalid_argument&) {
          // A declaration the revision does not allow: the server cannot expect the header either.
        }
      }
      tools.push_back(std::move(info));
    }
    const auto next = result.find("nextCursor");
    if (next == result.end() || !next->is_string() || next->get<std::string>().empty()) return tools;
    cursor = next->get<std::string>();
  }
  throw std::runtime_error("tools/list failed: more than 100 pages");
}

ToolCallOutcome Client::call_tool(std::string_view name, std::string_view arguments_json,
                                  const http::Fields& headers, std::optional<std::string> progress_token) {
  json params{{"name", name}};
  if (json arguments = parse_params(arguments_json, "tool arguments"); !arguments.is_null()) {
    params["arguments"] = std::move(arguments);
  }
  if (progress_token) params["_meta"] = {{"progressToken", *progress_token}};
  ToolCallOutcome outcome = impl_->post_tool_call(params, headers);
  const InputAnswerer& answer = impl_->options.answer_input;
  for (int round = 0; answer && outcome.input_required && round < kMaxInputRounds; ++round) {
    const std::optional<std::string> responses = answer(outcome.input_requests);
    if (!responses) break;
    // The retry is the same request under a new id, with the answers and the state echoed.
    json retry = params;
    retry["inputResponses"] = parse_params(*responses, "input responses");
    if (!outcome.request_state.empty()) retry["requestState"] = outcome.request_state;
    std::vector<RpcOutcome> earlier = std::move(outcome.earlier_rounds);
    earlier.push_back(std::move(outcome.rpc));
    outcome = impl_->post_tool_call(std::move(retry), headers);
    outcome.earlier_rounds = std::move(earlier);
  }
  return outcome;
}

RpcOutcome Client::request(std::string_view method, std::string_view params_json, const http::Fields& headers) {
  return impl_->post(impl_->request_message(method, parse_params(params_json, "params")), headers);
}

RpcOutcome Client::notify(std::string_view method, std::string_view params_json, const http::Fields& headers) {
  json message{{"jsonrpc", "2.0"}, {"method", method}};
  if (json params = parse_params(params_json, "params"); !params.is_null()) message["params"] = std::move(params);
  return impl_->post(message, headers);
}

RpcOutcome Client::post_raw(std::string_view body, const http::Fields& headers, bool include_session,
                            std::string_view content_type) {
  if (impl_->over_sse()) {
    // A request's response is awaited on the stream; anything else is answered by the POST.
    const json message = json::parse(body, nullptr, false);
    const bool request = message.is_object() && message.contains("method") && message.contains("id");
    return impl_->post_over_sse(body, content_type, request ? message["id"] : json(), headers);
  }
  auto response = impl_->http.post("", body, content_type, impl_->compose(headers, include_session));
  return parse_outcome(std::move(response), json());
}

RpcOutcome Client::end_session(const http::Fields& headers) {
  if (impl_->over_sse()) {
    // The session lives as long as its stream: closing the stream ends it (no HTTP exchange).
    if (impl_->sse) impl_->sse->close();
    impl_->session_id.clear();
    impl_->initialized = false;
    impl_->protocol_version = impl_->options.protocol_version;
    RpcOutcome outcome;
    outcome.http_status = 200;
    return outcome;
  }
  auto response = impl_->http.request("DELETE", "", impl_->compose(headers, true, "DELETE"));
  RpcOutcome outcome = parse_outcome(std::move(response), json());
  if (outcome.http_status >= 200 && outcome.http_status < 300) {
    impl_->session_id.clear();
    impl_->initialized = false;
    impl_->protocol_version = impl_->options.protocol_version;
  }
  return outcome;
}

http::ClientResponse Client::raw(std::string_view method, const http::Fields& headers, std::string_view body,
                                 std::string_view content_type) {
  if (impl_->over_sse()) {
    if (auto refused = impl_->ensure_stream(headers)) {
      return http::ClientResponse{refused->http_status, refused->body, refused->headers};
    }
    return impl_->messages->request(method, impl_->messages_target(),
                                    impl_->compose(headers, false, method, impl_->messages_target()), body,
                                    content_type);
  }
  return impl_->http.request(method, "", impl_->compose(headers, true, method), body, content_type);
}

std::vector<std::string> Client::unclaimed_messages(std::chrono::milliseconds wait) {
  if (!impl_->sse) return {};
  return impl_->sse->take_messages(wait);
}

std::string Client::messages_target(std::string_view session_id) const {
  if (!impl_->sse) throw std::logic_error("messages_target: no SSE stream has been opened");
  return impl_->sse->endpoint_target(std::string(session_id));
}

const std::string& Client::session_id() const { return impl_->session_id; }
const std::string& Client::protocol_version() const { return impl_->protocol_version; }
void Client::set_session_id(std::string id) { impl_->session_id = std::move(id); }
void Client::set_next_request_id(std::int64_t id) { impl_->next_id = id; }
void Client::set_protocol_version(std::string version) {
  impl_->protocol_version = std::move(version);
  impl_->initialized = true;
}
Transport Client::transport() const { return impl_->options.transport; }
bool Client::speaks_modern() const { return impl_->modern; }
const std::string& Client::endpoint_url() const { return impl_->endpoint; }

}  // namespace mcph::mcp
