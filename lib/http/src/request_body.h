#pragma once
// A request's body, framed as its head says (RFC 9112 §6.3): Content-Length bytes, a chunked
// body, or none.
#include <cstddef>
#include <optional>
#include <string>
#include <string_view>

#include "request_head.h"

namespace mcph::http::detail {

class ConnectionStream;

struct ChunkedBody {
  enum class State { complete, incomplete, malformed, too_large } state = State::incomplete;
  std::string body;
  std::size_t consumed = 0;  // bytes of the input the whole chunked body took (complete only)
};

// RFC 9112 §7.1: the chunked body at the start of `bytes`: chunks (size in hex, extensions
// ignored, data, CRLF), the last chunk (size 0), trailer fields (read and dropped) and the
// empty line. too_large as soon as the announced sizes pass max_body, without their data.
ChunkedBody parse_chunked(std::string_view bytes, std::size_t max_body);

struct BodyRead {
  bool complete = false;               // body holds the whole body
  std::string body;
  std::optional<HeadProblem> problem;  // 400 malformed, 408 late, 413 too large; else the client left
};

// Reads the body `head` announces from the stream, at most max_body bytes (413 past it).
BodyRead read_body(ConnectionStream& stream, const RequestHead& head, std::size_t max_body);

}  // namespace mcph::http::detail
