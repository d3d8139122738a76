#pragma once
// An answer as it goes on the wire: status line, header fields, framing and body in one string,
// so that the head and the body leave in one send (one segment, one wakeup of the client).
#include <chrono>
#include <cstddef>
#include <string>
#include <string_view>

#include "mcph/http/message.h"

namespace mcph::http::detail {

struct AnswerFraming {
  bool with_body = true;        // false for a HEAD request: the GET answer's head alone
  bool close = false;           // "Connection: close", else keep-alive with what it promises
  std::chrono::seconds keep_alive_timeout{60};
  std::size_t keep_alive_max = 0;
};

// RFC 9110 §15's reason phrase ("" for a status it does not name).
std::string_view reason_phrase(int status);

// Content-Type (response.content_type) when there is a body, and Content-Length unless the
// status has no content (1xx, 204, 304: RFC 9110 §8.6); response.headers as they are.
std::string wire_response(const Response& response, const AnswerFraming& framing);

// The head of a streamed answer (Response::stream): response.headers, Content-Type,
// Transfer-Encoding: chunked and Connection: close; the body follows as chunks.
std::string wire_stream_head(const Response& response);
// One chunk of a chunked body (RFC 9112 §7.1); the last chunk is "0\r\n\r\n".
std::string wire_chunk(std::string_view bytes);

}  // namespace mcph::http::detail
