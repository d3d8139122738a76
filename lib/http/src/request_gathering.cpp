#include "request_gathering.h"

#include "request_body.h"
#include "request_head.h"

namespace mcph::http::detail {
namespace {

// A body that has not all arrived: waited for, unless its client waits for a 100 Continue
// first (then it is sent), or has an expectation the server refuses at once (417).
Gathering body_pending(const RequestHead& head, std::string_view body) {
  const auto expect = find_field(head.fields, "Expect");
  if (!expect || !body.empty() || head.minor_version < 1) return Gathering::need_more;
  return iequals(*expect, "100-continue") ? Gathering::need_more_after_continue : Gathering::whole;
}

}  // namespace

Gathering gathering_state(std::string_view bytes, std::size_t max_body) {
  const std::size_t end = head_end(bytes);
  if (end == std::string_view::npos) return bytes.size() > kMaxHeadBytes ? Gathering::whole : Gathering::need_more;
  RequestHead head;
  if (parse_request_head(bytes.substr(0, end), head)) return Gathering::whole;  // refused as it is
  const std::string_view body = bytes.substr(end);
  if (head.chunked) {
    return parse_chunked(body, max_body).state == ChunkedBody::State::incomplete ? body_pending(head, body)
                                                                                 : Gathering::whole;
  }
  const std::size_t length = head.content_length.value_or(0);
  if (length > max_body || body.size() >= length) return Gathering::whole;
  return body_pending(head, body);
}

}  // namespace mcph::http::detail
