// Fuzzes the Server-Sent Events parser the MCP client reads streamed answers with
// (parse_sse), and the formatter the server writes them with (format_sse_event).
//
// Input: a stream body.
// Properties: a parsed event's data holds no CR (a line end in SSE); formatting that data and
// parsing it again gives back exactly one event with the same data.
#include <cstdint>
#include <string>

#include "mcph/fuzz/check.h"
#include "mcph/fuzz/input_parts.h"
#include "mcph/mcp/sse.h"

using namespace mcph;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  for (const auto& event : mcp::parse_sse(fuzz::as_text(data, size))) {
    fuzz::check(event.data.find('\r') == std::string::npos, "event data kept a CR");
    const auto again = mcp::parse_sse(mcp::format_sse_event(event.data));
    fuzz::check(again.size() == 1, "a formatted event did not parse as one event");
    fuzz::check(again[0].data == event.data, "formatting and parsing changed the data");
  }
  return 0;
}
