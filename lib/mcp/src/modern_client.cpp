#include "modern_client.h"

#include "mcph/codec/base64.h"
#include "mcph/mcp/protocol.h"

namespace mcph::mcp {

using nlohmann::json;

json with_modern_meta(json message, const std::string& version, const ClientOptions& options) {
  json& params = message["params"];
  if (!params.is_object()) params = json::object();
  json& meta = params["_meta"];
  if (!meta.is_object()) meta = json::object();
  if (!meta.contains(kMetaProtocolVersion)) meta[std::string(kMetaProtocolVersion)] = version;
  if (!meta.contains(kMetaClientCapabilities)) {
    // A client that answers input_required can be asked to confirm (an elicitation's form mode).
    meta[std::string(kMetaClientCapabilities)] =
        options.answer_input ? json{{"elicitation", {{"form", json::object()}}}} : json::object();
  }
  if (!meta.contains(kMetaClientInfo)) {
    meta[std::string(kMetaClientInfo)] = {{"name", options.client_name}, {"version", options.client_version}};
  }
  return message;
}

namespace detail {

std::string header_safe(const std::string& value) {
  bool safe = !value.empty() && value.front() != ' ' && value.back() != ' ' && !value.starts_with("=?");
  for (const char c : value) safe = safe && c >= 0x20 && c < 0x7f;
  return safe ? value : "=?base64?" + codec::base64_encode(value) + "?=";
}

bool answers_modern(const RpcOutcome& outcome) {
  if (outcome.ok()) return true;
  if (outcome.http_status != 400 || !outcome.error) return false;
  const int code = outcome.error->code;
  return code == jsonrpc::kHeaderMismatch || code == jsonrpc::kMissingRequiredClientCapability ||
         code == jsonrpc::kUnsupportedProtocolVersion;
}

}  // namespace detail

http::Fields modern_headers(const json& message, const std::string& version, const std::vector<ParamHeader>& params_sent) {
  const std::string method = message.value("method", "");
  http::Fields headers{{std::string(kProtocolVersionHeader), version}, {std::string(kMethodHeader), method}};
  const json params = message.value("params", json::object());
  const char* key = method == "resources/read" ? "uri" : method == "tools/call" || method == "prompts/get" ? "name" : nullptr;
  if (key != nullptr && params.is_object() && params.contains(key) && params[key].is_string()) {
    headers.emplace_back(std::string(kNameHeader), detail::header_safe(params[key].get<std::string>()));
  }
  if (params_sent.empty() || method != "tools/call") return headers;
  const auto arguments = params.find("arguments");
  if (arguments == params.end() || !arguments->is_object()) return headers;
  for (const ParamHeader& param : params_sent) {
    if (!arguments->contains(param.argument) || arguments->at(param.argument).is_null()) continue;
    headers.emplace_back(std::string(kParamHeaderPrefix) + param.name, param_header_value(arguments->at(param.argument)));
  }
  return headers;
}

}  // namespace mcph::mcp
