#pragma once
// Server-Sent Events (text/event-stream) as MCP's Streamable HTTP transport uses them: one
// JSON-RPC message per `data`, event type "message".
#include <string>
#include <string_view>
#include <vector>

namespace mcph::mcp {

struct SseEvent {
  std::string event = "message";
  std::string id;
  std::string data;  // the data lines joined with "\n"
};

// Formats one event; `data` may hold newlines (each line becomes a data: line).
std::string format_sse_event(std::string_view data, std::string_view event = "message");
// Parses a complete stream body: LF, CRLF or CR line ends, comments, multi-line data. Events
// with no data lines are skipped, as the SSE standard says.
std::vector<SseEvent> parse_sse(std::string_view body);
// Whether a Content-Type value names text/event-stream, whatever its case and parameters.
bool is_event_stream(std::string_view content_type);

}  // namespace mcph::mcp
