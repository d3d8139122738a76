#include "rpc_outcome.h"

#include "../token_claims.h"
#include "mcph/harness/stack/protocol_era.h"
#include "mcph/harness/stack/target_profile.h"
#include "mcph/mcp/modern_message.h"
#include "mcph/mcp/sse.h"
#include "mcph/text/choice.h"

namespace mcph::harness::scenario {

std::string probe_request(stack::ProbeMethod method) {
  nlohmann::json request{{"jsonrpc", "2.0"}, {"id", 1}, {"method", text::name_of(method, stack::kProbeMethods)}};
  if (method == stack::ProbeMethod::initialize) {
    const mcp::ClientOptions client;
    request["params"] = {{"protocolVersion", client.protocol_version},
                         {"capabilities", nlohmann::json::object()},
                         {"clientInfo", {{"name", client.client_name}, {"version", client.client_version}}}};
  }
  return request.dump();
}

ProbeRequest probe_request(const stack::ServiceEntry& entry, const std::string& service) {
  const stack::TargetProfile profile = stack::target_profile(entry, service);
  if (profile.http_probe) return {profile.http_probe->body, {}, profile.http_probe->method, profile.http_probe->path};
  if (stack::protocol_era(entry, service) != mcp::Era::modern) return {probe_request(profile.probe), {}, "", ""};
  const mcp::ClientOptions client;
  const nlohmann::json discover = mcp::with_modern_meta({{"jsonrpc", "2.0"}, {"id", 1}, {"method", "server/discover"}},
                                                        client.modern_protocol_version, client);
  return {discover.dump(), mcp::modern_headers(discover, client.modern_protocol_version), "", ""};
}

void take_rpc_error(const nlohmann::json& answer, StepOutcome& out) {
  if (!answer.is_object()) return;
  const auto error = answer.find("error");
  if (error == answer.end() || !error->is_object()) return;
  const auto code = error->find("code");
  if (code == error->end() || !code->is_number_integer()) return;
  out.rpc.error = code->get<int>();
  const auto message = error->find("message");
  out.rpc.error_message = message != error->end() && message->is_string() ? message->get<std::string>() : "";
}

void fill_from_rpc(const mcp::RpcOutcome& rpc, StepOutcome& out) {
  out.http.status = rpc.http_status;
  out.http.headers = rpc.headers;
  out.http.body = rpc.body;
  out.rpc.result = rpc.result.has_value();
  out.rpc.error = rpc.error ? std::optional<int>(rpc.error->code) : std::nullopt;
  out.rpc.error_message = rpc.error ? rpc.error->message : "";
  if (rpc.result) out.result = nlohmann::json::parse(*rpc.result, nullptr, false);
}

nlohmann::json json_of_answer(std::string_view content_type, const std::string& body) {
  using Json = nlohmann::json;
  if (!mcp::is_event_stream(content_type)) return Json::parse(body, nullptr, false);
  Json responses = Json::array(), messages = Json::array();
  for (const auto& event : mcp::parse_sse(body)) {
    Json message = Json::parse(event.data, nullptr, false);
    if (message.is_discarded()) continue;
    const bool is_response = message.is_object() && message.contains("id") && (message.contains("result") || message.contains("error"));
    if (is_response || message.is_array()) responses.push_back(message);
    messages.push_back(std::move(message));
  }
  const Json& chosen = responses.empty() ? messages : responses;
  if (chosen.empty()) return Json(Json::value_t::discarded);
  return chosen.size() == 1 ? chosen.front() : chosen;
}

std::string pacing_subject(const std::string& token) {
  const nlohmann::json claims = unverified_claims(token);
  if (claims.is_object() && claims.contains("sub") && claims["sub"].is_string()) return claims["sub"].get<std::string>();
  return token;
}

stack::RateLimit stated_rate_limit(const stack::ServiceEntry& entry) {
  return entry.mcp.rate_limit.value_or(stack::RateLimit{});
}

std::string batch_caveat(const stack::RateLimit& limit, int batch, const std::string& service) {
  const std::string calls = "a batch of " + std::to_string(batch) + " calls";
  if (limit.requests <= 0) {
    return "the stack states no rate limit for " + service + " (services." + service + ".rate_limit), so " + calls +
           " answered whole cannot be told from a server that limits no one";
  }
  if (batch <= limit.requests) return calls + " is within " + service + "'s stated limit of " + limit.to_string();
  return "";
}

}  // namespace mcph::harness::scenario
