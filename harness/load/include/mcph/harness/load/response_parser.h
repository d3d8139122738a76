#pragma once
// An incremental HTTP/1.1 response parser for the load driver (and the scenarios' raw `tcp`
// steps): bytes arrive in pieces from a non-blocking socket; feed() takes them and says when
// one whole response is in. Bodies framed
// by Content-Length, chunked transfer coding, or the end of the connection. Bounded: a head
// over 64 KiB or a body over the limit given is an error, never an unbounded buffer.
#include <cstddef>
#include <string>
#include <string_view>

#include "mcph/http/message.h"

namespace mcph::harness::load {

struct ParsedResponse {
  int status = 0;
  http::Fields headers;
  std::string body;
  bool close = false;  // the server said Connection: close (or spoke HTTP/1.0 without keep-alive)

  std::string header(std::string_view name) const { return http::find_field(headers, name).value_or(""); }
};

class ResponseParser {
 public:
  enum class State { incomplete, complete, error };

  explicit ResponseParser(std::size_t max_body_bytes = 16 * 1024 * 1024) : max_body_(max_body_bytes) {}

  // Appends bytes; returns complete once a whole response is parsed (take() it; bytes after it
  // stay buffered for the next one), error on malformed or oversized input (see error()).
  State feed(std::string_view bytes);
  // The connection ended: completes a response whose body runs to the end of the connection.
  State finish();
  // The response parsed; the parser then starts on the next one (with any buffered bytes).
  ParsedResponse take();
  const std::string& error() const { return error_; }
  // Set before feeding the response to a HEAD request, or any other response without a body.
  void expect_no_body() { no_body_ = true; }

 private:
  enum class Phase { head, fixed_body, chunk_size, chunk_data, chunk_data_end, trailers, body_to_close, done };
  State step();
  State fail(std::string message);
  bool parse_head(std::string_view head);
  // Moves up to remaining_ buffered bytes into the body; true once none remain.
  bool take_body_bytes();

  std::size_t max_body_;
  std::string buffer_;
  std::size_t scan_ = 0;  // bytes of buffer_ already consumed
  Phase phase_ = Phase::head;
  std::size_t remaining_ = 0;  // of the fixed body or the current chunk
  bool no_body_ = false;
  ParsedResponse response_;
  std::string error_;
};

}  // namespace mcph::harness::load
