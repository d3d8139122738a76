#pragma once
// The head of an HTTP/1.1 request (request line and header fields, up to the empty line),
// checked before cpp-httplib parses it. cpp-httplib 0.11 lets through what RFC 9112 says a
// server must refuse, and each of those is a way to smuggle a request or a header past a proxy
// that reads the bytes differently: it keeps a bare CR or a NUL inside a field value, skips a
// line that ends in a bare LF, drops a folded line, reads `Content-Length : 5` as some other
// field (and the body as the next request), takes the first of two different Content-Lengths,
// and reads a body whose Transfer-Encoding it does not know until the client closes.
#include <cstddef>
#include <optional>
#include <string>
#include <string_view>

namespace mcph::http::detail {

struct HeadProblem {
  int status = 400;     // 400; 431 for a head too large; 501 for an unknown transfer coding; 408 late
  std::string message;  // for the error body: names the rule, never echoes the bytes
};

// The largest head read before it is refused (431): cpp-httplib's own limit is 8 KiB per line.
constexpr std::size_t kMaxHeadBytes = 64 * 1024;

// RFC 9110 §5.6.2: a method or a field name is a token.
bool is_token(std::string_view word);

// Where the head that starts `bytes` ends (just past its empty line), or npos when its end has
// not arrived yet.
std::size_t head_end(std::string_view bytes);

// What is wrong with a complete head (as head_end delimits it), or nullopt.
std::optional<HeadProblem> head_problem(std::string_view head);

// The head with every '%' of a field value written "%25": cpp-httplib 0.11 percent-decodes
// field values (RFC 9110 has no such decoding), so "a%0D%0Ab" would reach a handler as a value
// with a CR LF in it, and "%41" as "A". Escaped, each value arrives as it was sent.
std::string keep_field_values_verbatim(std::string_view head);

}  // namespace mcph::http::detail
