#pragma once
// Accept header negotiation (RFC 9110 §12.5.1) for the two media types MCP answers with.
#include <string_view>

namespace mcph::mcp::detail {

struct AcceptedTypes {
  bool json = false;          // application/json
  bool event_stream = false;  // text/event-stream
};

// An absent or empty Accept accepts anything. Wildcards (*/*, application/*, text/*) count;
// a media range with q=0 excludes it.
AcceptedTypes parse_accept(std::string_view accept);

// The media type of a Content-Type value, lower-cased, without parameters.
std::string_view media_type_of(std::string_view content_type, std::string& storage);

}  // namespace mcph::mcp::detail
