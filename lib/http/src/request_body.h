#pragma once
// A request's body, framed as its head says (RFC 9112 §6.3): Content-Length bytes, a chunked
// body, or none.
#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <utility>

#include "request_head.h"

namespace mcph::http::detail {

class ConnectionStream;

struct ChunkedBody {
  enum class State { complete, incomplete, malformed, too_large } state = State::incomplete;
  std::string body;
  std::size_t consumed = 0;  // bytes of the input the whole chunked body took (complete only)
};

// RFC 9112 §7.1: a chunked body as it arrives: chunks (size in hex, extensions ignored, data,
// CRLF), the last chunk (size 0), trailer fields (read and dropped) and the empty line.
// too_large as soon as the announced sizes pass max_body, without their data.
//
// It keeps its place between calls: each call parses on from where the last one stopped (the
// start of the line or chunk it waits for), so a body that trickles in costs time linear in its
// size, however it is cut. What it answers for any cut is what one call on those bytes answers.
class ChunkedDecoder {
 public:
  // keep_body false: the framing is checked and the body counted against max_body, not kept.
  explicit ChunkedDecoder(std::size_t max_body, bool keep_body = true) : max_body_(max_body), keep_body_(keep_body) {}

  // `bytes`: the chunked body received so far, from its first byte: each call the same bytes
  // and maybe more after them. Bytes before parsed() are never read again.
  ChunkedBody::State feed(std::string_view bytes);

  ChunkedBody::State state() const { return state_; }
  std::size_t parsed() const { return at_; }
  // Once complete: the bytes the chunked body took (what follows is the next request).
  std::size_t consumed() const { return state_ == ChunkedBody::State::complete ? at_ : 0; }
  // Once complete: the body (empty when told not to keep it).
  std::string take_body() { return std::move(body_); }

 private:
  enum class Part { size_line, data, trailer };
  // The next CRLF-ended line from at_ (at_ moves past it), or nullopt while it has not all
  // arrived or once it is refused (state_ says which).
  std::optional<std::string_view> next_line(std::string_view bytes);
  ChunkedBody::State fail(ChunkedBody::State state);

  std::size_t max_body_;
  bool keep_body_;
  ChunkedBody::State state_ = ChunkedBody::State::incomplete;
  Part part_ = Part::size_line;
  std::size_t at_ = 0;        // where the line or chunk data waited for starts
  std::size_t searched_ = 0;  // how far the line from at_ has been searched for its CRLF
  std::size_t chunk_ = 0;     // Part::data: the chunk's size
  std::size_t body_size_ = 0;
  std::string body_;
};

// The chunked body at the start of `bytes`, in one call.
ChunkedBody parse_chunked(std::string_view bytes, std::size_t max_body);

struct BodyRead {
  bool complete = false;               // body holds the whole body
  std::string body;
  std::optional<HeadProblem> problem;  // 400 malformed, 408 late, 413 too large; else the client left
};

// Reads the body `head` announces from the stream, at most max_body bytes (413 past it).
BodyRead read_body(ConnectionStream& stream, const RequestHead& head, std::size_t max_body);

}  // namespace mcph::http::detail
