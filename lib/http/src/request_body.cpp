#include "request_body.h"

#include <algorithm>
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

HeadProblem too_large(std::size_t max_body) {
  return {413, "limit " + std::to_string(max_body) + " bytes"};
}

}  // namespace

ChunkedBody::State ChunkedDecoder::fail(ChunkedBody::State state) {
  state_ = state;
  body_.clear();
  return state_;
}

std::optional<std::string_view> ChunkedDecoder::next_line(std::string_view bytes) {
  // A CR that ended the last search may start the CRLF.
  const std::size_t end = bytes.find("\r\n", std::max(at_, searched_));
  if (end == std::string_view::npos) {
    searched_ = bytes.size() > at_ ? bytes.size() - 1 : at_;
    // A line not ended yet: malformed once it is longer than a line may be with its CR.
    if (bytes.size() - at_ > kMaxChunkLineBytes + 1) fail(ChunkedBody::State::malformed);
    return std::nullopt;
  }
  const std::string_view line = bytes.substr(at_, end - at_);
  if (!acceptable_line(line)) {
    fail(ChunkedBody::State::malformed);
    return std::nullopt;
  }
  at_ = end + 2;
  searched_ = at_;
  return line;
}

ChunkedBody::State ChunkedDecoder::feed(std::string_view bytes) {
  while (state_ == ChunkedBody::State::incomplete) {
    if (part_ == Part::data) {
      if (bytes.size() - at_ < chunk_ + 2) return state_;
      if (bytes.substr(at_ + chunk_, 2) != "\r\n") return fail(ChunkedBody::State::malformed);
      if (keep_body_) body_.append(bytes.substr(at_, chunk_));
      body_size_ += chunk_;
      at_ += chunk_ + 2;
      searched_ = at_;
      part_ = Part::size_line;
      continue;
    }
    const std::optional<std::string_view> line = next_line(bytes);
    if (!line) return state_;
    if (part_ == Part::trailer) {  // trailer fields, up to the empty line
      if (line->empty()) {
        state_ = ChunkedBody::State::complete;
        return state_;
      }
      const std::size_t colon = line->find(':');
      if (colon == std::string_view::npos || !is_token(line->substr(0, colon))) return fail(ChunkedBody::State::malformed);
      continue;
    }
    // chunk-size = 1*HEXDIG (15 at most: no size needs more), then optional chunk extensions
    // after BWS and ';'.
    std::size_t size = 0;
    const char* const digits_end = std::from_chars(line->data(), line->data() + line->size(), size, 16).ptr;
    const auto digits = static_cast<std::size_t>(digits_end - line->data());
    const std::string_view rest = trim_ows(line->substr(digits));
    if (digits == 0 || digits > 15 || (!rest.empty() && rest.front() != ';')) return fail(ChunkedBody::State::malformed);
    if (size == 0) {
      part_ = Part::trailer;
    } else if (size > max_body_ - body_size_) {
      return fail(ChunkedBody::State::too_large);
    } else {
      chunk_ = size;
      part_ = Part::data;
    }
  }
  return state_;
}

ChunkedBody parse_chunked(std::string_view bytes, std::size_t max_body) {
  ChunkedDecoder decoder(max_body);
  ChunkedBody out;
  out.state = decoder.feed(bytes);
  out.consumed = decoder.consumed();
  if (out.state == ChunkedBody::State::complete) out.body = decoder.take_body();
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
    // The stream's pending bytes keep their start while more arrive: the decoder goes on where
    // it stopped.
    ChunkedDecoder decoder(max_body);
    for (;;) {
      switch (decoder.feed(stream.pending())) {
        case ChunkedBody::State::complete:
          stream.consume(decoder.consumed());
          read.complete = true;
          read.body = decoder.take_body();
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
