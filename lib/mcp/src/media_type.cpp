#include "media_type.h"

#include <algorithm>
#include <cctype>
#include <string>

#include "mcph/http/message.h"
#include "mcph/text/ascii_case.h"

namespace mcph::mcp::detail {
namespace {

// q=0 (any spelling of zero) excludes the range.
bool excluded(std::string_view params) {
  while (!params.empty()) {
    const auto semi = params.find(';');
    std::string_view param = http::trim_ows(params.substr(0, semi));
    params = semi == std::string_view::npos ? std::string_view{} : params.substr(semi + 1);
    if (param.size() >= 2 && (param[0] == 'q' || param[0] == 'Q') && param[1] == '=') {
      std::string_view q = param.substr(2);
      return !q.empty() && q.find_first_not_of("0.") == std::string_view::npos;
    }
  }
  return false;
}

}  // namespace

std::string_view media_type_of(std::string_view content_type, std::string& storage) {
  storage = text::ascii_lower(http::trim_ows(content_type.substr(0, content_type.find(';'))));
  return storage;
}

AcceptedTypes parse_accept(std::string_view accept) {
  AcceptedTypes types;
  if (http::trim_ows(accept).empty()) return AcceptedTypes{true, true};
  while (!accept.empty()) {
    const auto comma = accept.find(',');
    std::string_view range = accept.substr(0, comma);
    accept = comma == std::string_view::npos ? std::string_view{} : accept.substr(comma + 1);
    const auto semi = range.find(';');
    std::string storage;
    const std::string_view type = media_type_of(range, storage);
    if (semi != std::string_view::npos && excluded(range.substr(semi + 1))) continue;
    if (type == "*/*") {
      types.json = types.event_stream = true;
    } else if (type == "application/json" || type == "application/*") {
      types.json = true;
    } else if (type == "text/event-stream" || type == "text/*") {
      types.event_stream = true;
    }
  }
  return types;
}

}  // namespace mcph::mcp::detail
