#include "request_gathering.h"

#include <algorithm>

namespace mcph::http::detail {

Gathering RequestGathering::settle(std::optional<std::size_t> request_bytes) {
  settled_ = true;
  request_bytes_ = request_bytes;
  return Gathering::whole;
}

// A body that has not all arrived: waited for, unless its client waits for a 100 Continue
// first (then it is sent), or has an expectation the server refuses at once (417).
Gathering RequestGathering::pending_body(std::size_t body_received) const {
  const auto expect = find_field(head_.fields, "Expect");
  if (!expect || body_received > 0 || head_.minor_version < 1) return Gathering::need_more;
  return iequals(*expect, "100-continue") ? Gathering::need_more_after_continue : Gathering::whole;
}

Gathering RequestGathering::advance(std::string_view bytes) {
  if (settled_) return Gathering::whole;
  if (head_bytes_ == 0) {
    // The head ends at its first "\r\n\r\n" or "\n\n": a match may begin in the last 3 bytes
    // already searched.
    const std::size_t from = std::max<std::size_t>(searched_, 3) - 3;
    const std::size_t end = head_end(bytes.substr(from));
    if (end == std::string_view::npos) {
      searched_ = bytes.size();
      if (bytes.size() > kMaxHeadBytes) return settle(std::nullopt);
      return Gathering::need_more;
    }
    head_bytes_ = from + end;
    if (parse_request_head(bytes.substr(0, head_bytes_), head_)) return settle(std::nullopt);  // refused as it is
    if (head_.chunked) {
      chunked_.emplace(max_body_, false);
    } else {
      const std::size_t length = head_.content_length.value_or(0);
      if (length > max_body_) return settle(std::nullopt);  // refused unread
      request_bytes_ = head_bytes_ + length;
    }
  }
  const std::string_view body = bytes.substr(head_bytes_);
  if (chunked_) {
    const ChunkedBody::State state = chunked_->feed(body);
    if (state == ChunkedBody::State::complete) return settle(head_bytes_ + chunked_->consumed());
    if (state != ChunkedBody::State::incomplete) return settle(std::nullopt);  // refused
    const Gathering waiting = pending_body(body.size());
    return waiting == Gathering::whole ? settle(std::nullopt) : waiting;
  }
  if (bytes.size() >= *request_bytes_) return settle(request_bytes_);
  const Gathering waiting = pending_body(body.size());
  return waiting == Gathering::whole ? settle(std::nullopt) : waiting;
}

std::size_t RequestGathering::read_limit(std::size_t held) const {
  if (request_bytes_) return *request_bytes_ + kMaxReadAheadBytes;
  return settled_ ? held : held + kMaxReadAheadBytes;
}

Gathering gathering_state(std::string_view bytes, std::size_t max_body) {
  return RequestGathering(max_body).advance(bytes);
}

}  // namespace mcph::http::detail
