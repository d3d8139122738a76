#include "request_head.h"

#include <algorithm>
#include <cstring>
#include <vector>

#include "mcph/http/message.h"

namespace mcph::http::detail {
namespace {

HeadProblem bad(std::string message) { return {400, std::move(message)}; }

}  // namespace

bool is_token(std::string_view word) {
  if (word.empty()) return false;
  return std::all_of(word.begin(), word.end(), [](char c) {
    const bool alnum = (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
    return alnum || (c != '\0' && std::strchr("!#$%&'*+-.^_`|~", c) != nullptr);
  });
}

std::size_t head_end(std::string_view bytes) {
  const std::size_t crlf = bytes.find("\r\n\r\n");
  const std::size_t lf = bytes.find("\n\n");  // bare LFs: head_problem refuses them
  if (crlf == std::string_view::npos && lf == std::string_view::npos) return std::string_view::npos;
  return crlf < lf ? crlf + 4 : lf + 2;
}

std::optional<HeadProblem> head_problem(std::string_view head) {
  // RFC 9110 §5.5: CR, LF and NUL inside a field value must be refused (or replaced by SP);
  // RFC 9112 §2.2: a bare CR is invalid, and a line ends in CRLF.
  if (head.find('\0') != std::string_view::npos) return bad("a NUL byte in the request head (RFC 9110 §5.5)");
  for (std::size_t at = head.find('\r'); at != std::string_view::npos; at = head.find('\r', at + 1)) {
    if (at + 1 >= head.size() || head[at + 1] != '\n') return bad("a bare CR in the request head (RFC 9112 §2.2)");
  }
  for (std::size_t at = head.find('\n'); at != std::string_view::npos; at = head.find('\n', at + 1)) {
    if (at == 0 || head[at - 1] != '\r') return bad("a line of the request head ends in a bare LF (RFC 9112 §2.2)");
  }
  std::vector<std::string_view> lengths;
  bool chunked = false, other_coding = false;
  std::size_t start = head.find("\r\n") + 2;  // past the request line
  for (std::size_t end = head.find("\r\n", start); end != std::string_view::npos && end > start;
       start = end + 2, end = head.find("\r\n", start)) {
    const std::string_view line = head.substr(start, end - start);
    // RFC 9112 §5.2 (obsolete line folding) and §2.2 (whitespace before the first field).
    if (line.front() == ' ' || line.front() == '\t') return bad("a folded header line (RFC 9112 §5.2)");
    const std::size_t colon = line.find(':');
    // RFC 9112 §5.1: no whitespace between a field name and its colon; RFC 9110 §5.1: a token.
    if (colon == std::string_view::npos || !is_token(line.substr(0, colon))) {
      return bad("a header line that is not \"name: value\" with a token for its name (RFC 9112 §5.1)");
    }
    const std::string_view name = line.substr(0, colon), value = trim_ows(line.substr(colon + 1));
    if (iequals(name, "Content-Length")) lengths.push_back(value);
    if (iequals(name, "Transfer-Encoding")) {
      if (iequals(value, "chunked") && !chunked) {
        chunked = true;
      } else {
        other_coding = true;  // another coding, a list, or chunked twice
      }
    }
  }
  // RFC 9112 §6.1: a server may refuse both; this one does, since a proxy may read either.
  if (!lengths.empty() && (chunked || other_coding)) {
    return bad("both Content-Length and Transfer-Encoding (RFC 9112 §6.1)");
  }
  // RFC 9112 §6.1: a transfer coding the server does not know is a 501.
  if (other_coding) return HeadProblem{501, "a transfer coding other than a single chunked (RFC 9112 §6.1)"};
  for (const std::string_view length : lengths) {
    // RFC 9112 §6.3: an invalid length, or lengths that differ, make the framing unknowable.
    if (length.empty() || length.size() > 18 || !std::all_of(length.begin(), length.end(), [](char c) { return c >= '0' && c <= '9'; })) {
      return bad("an invalid Content-Length (RFC 9112 §6.3)");
    }
    if (length != lengths.front()) return bad("Content-Length fields that differ (RFC 9112 §6.3)");
  }
  return std::nullopt;
}

std::string keep_field_values_verbatim(std::string_view head) {
  const std::size_t fields = head.find('\n') + 1;  // the request line stays as it is
  std::string out(head.substr(0, fields));
  out.reserve(head.size() + 16);
  bool in_value = false;  // past the line's colon
  for (const char c : head.substr(fields)) {
    if (c == '\n') in_value = false;
    if (c == ':') in_value = true;
    out += (c == '%' && in_value) ? std::string_view("%25") : std::string_view(&c, 1);
  }
  return out;
}

}  // namespace mcph::http::detail
