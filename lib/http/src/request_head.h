#pragma once
// The head of an HTTP/1.1 request (request line and header fields, up to the empty line), read
// and checked against RFC 9112 in one pass. What RFC 9112 says a server must refuse is refused,
// since each is a way to smuggle a request or a header past a proxy that reads the bytes
// differently: a bare CR or a NUL inside a field value, a line that ends in a bare LF, a folded
// line, `Content-Length : 5`, two different Content-Lengths, a body whose Transfer-Encoding the
// server does not know, an HTTP/1.1 request without exactly one well-formed Host. Field values are kept as sent (no percent-decoding: RFC 9110 has none).
#include <cstddef>
#include <optional>
#include <string>
#include <string_view>

#include "mcph/http/message.h"
#include "mcph/http/token.h"

namespace mcph::http::detail {

struct HeadProblem {
  // 400; 408 late; 413 body too large; 414 target too long; 417 an expectation not met;
  // 431 head too large; 501 an unknown transfer coding; 505 an HTTP version other than 1.x
  int status = 400;
  std::string message;  // for the error body: names the rule, never echoes the bytes
};

// The largest head read before it is refused (431).
constexpr std::size_t kMaxHeadBytes = 64 * 1024;
// The longest header line (400, so that a server's bearer challenge can go with it: RFC 6750 §3)
// and the longest request target (414).
constexpr std::size_t kMaxFieldLineBytes = 8 * 1024;
constexpr std::size_t kMaxTargetBytes = 8 * 1024;

struct RequestHead {
  std::string method;
  std::string target;      // as sent: the path and the query string
  int minor_version = 1;   // HTTP/1.x
  Fields fields;
  std::optional<std::size_t> content_length;
  bool chunked = false;    // Transfer-Encoding: chunked

  // RFC 9112 §9.3: HTTP/1.1 keeps the connection unless "close" is listed; HTTP/1.0 closes it
  // unless "keep-alive" is.
  bool keeps_connection() const;
};

// Where the head that starts `bytes` ends (just past its empty line), or npos when its end has
// not arrived yet.
std::size_t head_end(std::string_view bytes);

// Parses a complete head (as head_end delimits it) into `out`. On a problem, `out` holds what
// was read before it (the method and target when the request line was readable, for the log).
std::optional<HeadProblem> parse_request_head(std::string_view head, RequestHead& out);

}  // namespace mcph::http::detail
