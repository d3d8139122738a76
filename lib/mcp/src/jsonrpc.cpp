#include "jsonrpc.h"

namespace mcph::mcp::detail {
namespace {
// MCP ids are strings or numbers, never null.
bool usable_id(const nlohmann::json& id) { return id.is_string() || id.is_number(); }
}  // namespace

Message classify(const nlohmann::json& value) {
  Message message;
  if (!value.is_object()) {
    message.problem = "a JSON-RPC message must be a JSON object";
    return message;
  }
  const auto id = value.find("id");
  if (id != value.end() && usable_id(*id)) message.id = *id;
  const auto version = value.find("jsonrpc");
  if (version == value.end() || *version != "2.0") {
    message.problem = "\"jsonrpc\" must be \"2.0\"";
    return message;
  }
  if (const auto method = value.find("method"); method != value.end()) {
    if (!method->is_string()) {
      message.problem = "\"method\" must be a string";
      return message;
    }
    if (id != value.end() && !usable_id(*id)) {
      message.problem = "\"id\" must be a string or a number";
      return message;
    }
    message.method = method->get<std::string>();
    if (const auto params = value.find("params"); params != value.end()) message.params = *params;
    message.kind = id == value.end() ? MessageKind::notification : MessageKind::request;
    return message;
  }
  const bool has_result = value.contains("result");
  const bool has_error = value.contains("error");
  if (id != value.end() && has_result != has_error) {
    message.kind = MessageKind::response;
    return message;
  }
  message.problem = "not a request, notification or response";
  return message;
}

nlohmann::json result_response(const nlohmann::json& id, nlohmann::json result) {
  return {{"jsonrpc", "2.0"}, {"id", id}, {"result", std::move(result)}};
}

nlohmann::json error_response(const nlohmann::json& id, int code, std::string message, nlohmann::json data) {
  nlohmann::json error{{"code", code}, {"message", std::move(message)}};
  if (!data.is_null()) error["data"] = std::move(data);
  return {{"jsonrpc", "2.0"}, {"id", id}, {"error", std::move(error)}};
}

nlohmann::json notification(std::string method, nlohmann::json params) {
  return {{"jsonrpc", "2.0"}, {"method", std::move(method)}, {"params", std::move(params)}};
}

}  // namespace mcph::mcp::detail

namespace mcph::mcp::detail {

std::string serialize(const nlohmann::json& value) {
  return value.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

}  // namespace mcph::mcp::detail
