#include "mcph/mcp/sse.h"

#include "media_type.h"

namespace mcph::mcp {

std::string format_sse_event(std::string_view data, std::string_view event) {
  std::string out;
  if (!event.empty()) out.append("event: ").append(event).append("\n");
  std::size_t start = 0;
  while (true) {
    const auto end = data.find('\n', start);
    out.append("data: ").append(data.substr(start, end - start)).append("\n");
    if (end == std::string_view::npos) break;
    start = end + 1;
  }
  out.append("\n");
  return out;
}

std::vector<SseEvent> parse_sse(std::string_view body) {
  std::vector<SseEvent> events;
  SseEvent current;
  bool has_data = false;
  std::size_t pos = 0;
  while (pos < body.size()) {
    std::size_t end = body.find_first_of("\r\n", pos);
    const bool last = end == std::string_view::npos;
    std::string_view line = body.substr(pos, last ? std::string_view::npos : end - pos);
    if (last) {
      pos = body.size();
    } else {
      pos = end + ((body[end] == '\r' && end + 1 < body.size() && body[end + 1] == '\n') ? 2 : 1);
    }
    if (line.empty()) {
      if (has_data) events.push_back(std::move(current));
      current = SseEvent{};
      has_data = false;
      continue;
    }
    if (line.front() == ':') continue;  // comment
    const auto colon = line.find(':');
    std::string_view field = line.substr(0, colon);
    std::string_view value;
    if (colon != std::string_view::npos) {
      value = line.substr(colon + 1);
      if (!value.empty() && value.front() == ' ') value.remove_prefix(1);
    }
    if (field == "data") {
      if (has_data) current.data.push_back('\n');
      current.data.append(value);
      has_data = true;
    } else if (field == "event") {
      current.event = value.empty() ? "message" : std::string(value);
    } else if (field == "id") {
      current.id = std::string(value);
    }
  }
  // A stream cut before its final blank line: the standard drops the incomplete event.
  return events;
}

bool is_event_stream(std::string_view content_type) {
  std::string storage;
  return detail::media_type_of(content_type, storage) == "text/event-stream";
}

}  // namespace mcph::mcp
