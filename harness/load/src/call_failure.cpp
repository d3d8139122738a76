#include "call_failure.h"

#include <nlohmann/json.hpp>
#include <string_view>
#include <vector>

#include "mcph/mcp/sse.h"

namespace mcph::harness::load {

using Json = nlohmann::json;

std::string call_failure(const ParsedResponse& response) {
  if (response.status < 200 || response.status >= 300) return "HTTP " + std::to_string(response.status);
  std::string_view payload = response.body;
  std::vector<mcp::SseEvent> events;
  if (response.header("Content-Type").find("text/event-stream") != std::string::npos) {
    events = mcp::parse_sse(response.body);
    if (events.empty()) return "an empty event stream";
    payload = events.back().data;
  }
  const Json json = Json::parse(payload, nullptr, /*allow_exceptions=*/false);
  if (!json.is_object()) return "a body that is not a JSON-RPC response";
  if (const auto error = json.find("error"); error != json.end()) {
    return "JSON-RPC error " + error->value("message", std::string("(no message)"));
  }
  const auto result = json.find("result");
  if (result == json.end()) return "a JSON-RPC response without result";
  if (result->is_object() && result->value("isError", false)) {
    std::string text;
    for (const auto& item : result->value("content", Json::array())) {
      if (item.is_object() && item.value("type", "") == "text") text += item.value("text", "");
    }
    return "tool error: " + text.substr(0, 160);
  }
  return {};
}

}  // namespace mcph::harness::load
