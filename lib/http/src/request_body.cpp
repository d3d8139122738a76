#include "request_body.h"

#include <charconv>

#include "connection_stream.h"

namespace mcph::http::detail {
namespace {

// A chunk-size line (with its extensions) or a trailer line longer than this is refused.
constexpr std::size_t kMaxChunkLineBytes = 4096;

// A whole line of the chunked framing: not over the limit, no bare CR or LF, no NUL.
bool acceptable_line(std::string_view line) {
  return line.size() <= kMaxChunkLineBytes && line.find_first_of(std::string_view("\r\n\0", 3)) == std::string_view::npos;
}

// A line not ended yet: malformed once it is longer than a line may be with its CR.
ChunkedBody::State waiting_too_long(std::size_t line_so_far) {
  return line_so_far > kMaxChunkLineBytes + 1 ? ChunkedBody::State::malformed : ChunkedBody::State::incomplete;
}

HeadProblem too_large(std::size_t max_body) {
  return {413, "limit " + std::to_string(max_body) + " bytes"};
}

}  // namespace

ChunkedBody parse_chunked(std::string_view bytes, std::size_t max_body) {
  ChunkedBody out;
  auto fail = [&out](ChunkedBody::State state) {
    out.state = state;
    out.body.clear();
    return std::move(out);
  };
  std::size_t at = 0;
  // The next CRLF-ended line from `at`; npos while it has not arrived.
  auto line_end = [&]() { return bytes.find("\r\n", at); };
  for (;;) {  // chunks
    const std::size_t end = line_end();
    if (end == std::string_view::npos) {
      return fail(waiting_too_long(bytes.size() - at));
    }
    const std::string_view line = bytes.substr(at, end - at);
    if (!acceptable_line(line)) return fail(ChunkedBody::State::malformed);
    // chunk-size = 1*HEXDIG (15 at most: no size needs more), then optional chunk extensions
    // after BWS and ';'.
    std::size_t size = 0;
    const char* const digits_end = std::from_chars(line.data(), line.data() + line.size(), size, 16).ptr;
    const auto digits = static_cast<std::size_t>(digits_end - line.data());
    const std::string_view rest = trim_ows(line.substr(digits));
    if (digits == 0 || digits > 15 || (!rest.empty() && rest.front() != ';')) return fail(ChunkedBody::State::malformed);
    at = end + 2;
    if (size == 0) break;
    if (size > max_body - out.body.size()) return fail(ChunkedBody::State::too_large);
    if (bytes.size() - at < size + 2) return fail(ChunkedBody::State::incomplete);
    if (bytes.substr(at + size, 2) != "\r\n") return fail(ChunkedBody::State::malformed);
    out.body.append(bytes.substr(at, size));
    at += size + 2;
  }
  for (;;) {  // trailer fields, up to the empty line
    const std::size_t end = line_end();
    if (end == std::string_view::npos) {
      return fail(waiting_too_long(bytes.size() - at));
    }
    const std::string_view line = bytes.substr(at, end - at);
    if (!acceptable_line(line)) return fail(ChunkedBody::State::malformed);
    at = end + 2;
    if (line.empty()) break;
    const std::size_t colon = line.find(':');
    if (colon == std::string_view::npos || !is_token(line.substr(0, colon))) return fail(ChunkedBody::State::malformed);
  }
  out.state = ChunkedBody::State::complete;
  out.consumed = at;
  return out;
}

BodyRead read_body(ConnectionStream& stream, const RequestHead& head, std::size_t max_body) {
  BodyRead read;
  // A wait that ends without bytes: 408 when the client went quiet, nothing when it left.
  auto more = [&]() {
    const ssize_t got = stream.fill();
    if (got < 0) read.problem = HeadProblem{408, "the request body stopped arriving"};
    return got > 0;
  };
  if (head.chunked) {
    for (;;) {
      ChunkedBody chunked = parse_chunked(stream.pending(), max_body);
      switch (chunked.state) {
        case ChunkedBody::State::complete:
          stream.consume(chunked.consumed);
          read.complete = true;
          read.body = std::move(chunked.body);
          return read;
        case ChunkedBody::State::malformed:
          read.problem = HeadProblem{400, "a malformed chunked body (RFC 9112 §7.1)"};
          return read;
        case ChunkedBody::State::too_large:
          read.problem = too_large(max_body);
          return read;
        case ChunkedBody::State::incomplete:
          if (!more()) return read;
      }
    }
  }
  const std::size_t length = head.content_length.value_or(0);  // neither: no body (RFC 9112 §6.3)
  if (length > max_body) {
    read.problem = too_large(max_body);  // refused unread: the server lingers before it closes
    return read;
  }
  while (stream.pending().size() < length) {
    if (!more()) return read;
  }
  read.body.assign(stream.pending().substr(0, length));
  stream.consume(length);
  read.complete = true;
  return read;
}

}  // namespace mcph::http::detail
