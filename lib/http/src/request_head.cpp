#include "request_head.h"

#include <algorithm>
#include <charconv>
#include <cstring>
#include <vector>

namespace mcph::http::detail {
namespace {

HeadProblem bad(std::string message) { return {400, std::move(message)}; }

bool is_digit(char c) { return c >= '0' && c <= '9'; }
bool is_alnum(char c) { return is_digit(c) || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'); }

// RFC 9112 §3.2: Host = uri-host [ ":" port ], uri-host an IP literal, an IPv4 address or a
// reg-name (RFC 3986 §3.2.2): unreserved, percent-encoded and sub-delims characters, with the
// brackets of an IP literal and the colon of a port. Empty is valid (no authority).
bool is_host_value(std::string_view value) {
  return std::all_of(value.begin(), value.end(), [](char c) {
    return is_alnum(c) || (c != '\0' && std::strchr("-._~%!$&'()*+,;=:[]", c) != nullptr);
  });
}

// RFC 9112 §3: request-line = method SP request-target SP HTTP-version.
std::optional<HeadProblem> parse_request_line(std::string_view line, RequestHead& out) {
  const auto malformed = [] { return bad("a request line that is not \"method target HTTP/1.1\" (RFC 9112 §3)"); };
  const std::size_t first = line.find(' ');
  const std::size_t second = first == std::string_view::npos ? first : line.find(' ', first + 1);
  if (second == std::string_view::npos) return malformed();
  const std::string_view method = line.substr(0, first), target = line.substr(first + 1, second - first - 1),
                         version = line.substr(second + 1);
  if (!is_token(method)) return malformed();
  out.method = method;
  if (target.size() > kMaxTargetBytes) {
    return HeadProblem{414, "a request target over " + std::to_string(kMaxTargetBytes) + " bytes"};
  }
  const bool clean_target = !target.empty() && std::none_of(target.begin(), target.end(), [](char c) {
    const auto byte = static_cast<unsigned char>(c);
    return byte <= 0x20 || byte == 0x7F;
  });
  if (!clean_target) return malformed();
  out.target = target;
  // RFC 9112 §2.3: HTTP-version = "HTTP/" DIGIT "." DIGIT, case-sensitive.
  if (version.size() != 8 || version.substr(0, 5) != "HTTP/" || !is_digit(version[5]) || version[6] != '.' ||
      !is_digit(version[7])) {
    return malformed();
  }
  if (version[5] != '1') return HeadProblem{505, "HTTP/" + std::string(version.substr(5)) + " (this server speaks HTTP/1.x)"};
  out.minor_version = version[7] - '0';
  return std::nullopt;
}

}  // namespace

bool RequestHead::keeps_connection() const {
  bool close = false, keep_alive = false;
  for (const auto& [name, value] : fields) {
    if (!iequals(name, "Connection")) continue;
    std::string_view list = value;
    while (!list.empty()) {
      const std::size_t comma = list.find(',');
      const std::string_view option = trim_ows(list.substr(0, comma));
      close = close || iequals(option, "close");
      keep_alive = keep_alive || iequals(option, "keep-alive");
      list = comma == std::string_view::npos ? std::string_view() : list.substr(comma + 1);
    }
  }
  return minor_version >= 1 ? !close : keep_alive && !close;
}

std::size_t head_end(std::string_view bytes) {
  const std::size_t crlf = bytes.find("\r\n\r\n");
  const std::size_t lf = bytes.find("\n\n");  // bare LFs: parse_request_head refuses them
  if (crlf == std::string_view::npos && lf == std::string_view::npos) return std::string_view::npos;
  return crlf < lf ? crlf + 4 : lf + 2;
}

std::optional<HeadProblem> parse_request_head(std::string_view head, RequestHead& out) {
  out = RequestHead{};
  // RFC 9110 §5.5: CR, LF and NUL inside a field value must be refused (or replaced by SP);
  // RFC 9112 §2.2: a bare CR is invalid, and a line ends in CRLF.
  if (head.find('\0') != std::string_view::npos) return bad("a NUL byte in the request head (RFC 9110 §5.5)");
  for (std::size_t at = head.find('\r'); at != std::string_view::npos; at = head.find('\r', at + 1)) {
    if (at + 1 >= head.size() || head[at + 1] != '\n') return bad("a bare CR in the request head (RFC 9112 §2.2)");
  }
  for (std::size_t at = head.find('\n'); at != std::string_view::npos; at = head.find('\n', at + 1)) {
    if (at == 0 || head[at - 1] != '\r') return bad("a line of the request head ends in a bare LF (RFC 9112 §2.2)");
  }
  const std::size_t line_end = head.find("\r\n");
  if (line_end == std::string_view::npos) return bad("a request head without its empty line (RFC 9112 §2.1)");
  if (auto problem = parse_request_line(head.substr(0, line_end), out)) return problem;

  std::vector<std::string_view> lengths;
  std::size_t hosts = 0;
  bool other_coding = false;
  std::size_t start = line_end + 2;
  for (std::size_t end = head.find("\r\n", start); end != std::string_view::npos && end > start;
       start = end + 2, end = head.find("\r\n", start)) {
    const std::string_view line = head.substr(start, end - start);
    if (line.size() > kMaxFieldLineBytes) {
      return bad("a header line over " + std::to_string(kMaxFieldLineBytes) + " bytes");
    }
    // RFC 9112 §5.2 (obsolete line folding) and §2.2 (whitespace before the first field).
    if (line.front() == ' ' || line.front() == '\t') return bad("a folded header line (RFC 9112 §5.2)");
    const std::size_t colon = line.find(':');
    // RFC 9112 §5.1: no whitespace between a field name and its colon; RFC 9110 §5.1: a token.
    if (colon == std::string_view::npos || !is_token(line.substr(0, colon))) {
      return bad("a header line that is not \"name: value\" with a token for its name (RFC 9112 §5.1)");
    }
    const std::string_view name = line.substr(0, colon), value = trim_ows(line.substr(colon + 1));
    if (iequals(name, "Content-Length")) lengths.push_back(value);
    if (iequals(name, "Host")) {
      if (++hosts > 1) return bad("more than one Host header (RFC 9112 §3.2)");
      if (!is_host_value(value)) return bad("a Host header that is not host[:port] (RFC 9112 §3.2)");
    }
    if (iequals(name, "Transfer-Encoding")) {
      if (iequals(value, "chunked") && !out.chunked) {
        out.chunked = true;
      } else {
        other_coding = true;  // another coding, a list, or chunked twice
      }
    }
    out.fields.emplace_back(name, value);
  }
  // RFC 9112 §3.2: an HTTP/1.1 request names its host; HTTP/1.0 may not.
  if (hosts == 0 && out.minor_version >= 1) return bad("an HTTP/1.1 request without a Host header (RFC 9112 §3.2)");
  // RFC 9112 §6.1: a server may refuse both; this one does, since a proxy may read either.
  if (!lengths.empty() && (out.chunked || other_coding)) {
    return bad("both Content-Length and Transfer-Encoding (RFC 9112 §6.1)");
  }
  // RFC 9112 §6.1: a transfer coding the server does not know is a 501.
  if (other_coding) return HeadProblem{501, "a transfer coding other than a single chunked (RFC 9112 §6.1)"};
  for (const std::string_view length : lengths) {
    // RFC 9112 §6.3: an invalid length, or lengths that differ, make the framing unknowable.
    if (length.empty() || length.size() > 18 || !std::all_of(length.begin(), length.end(), is_digit)) {
      return bad("an invalid Content-Length (RFC 9112 §6.3)");
    }
    if (length != lengths.front()) return bad("Content-Length fields that differ (RFC 9112 §6.3)");
  }
  if (!lengths.empty()) {
    std::size_t value = 0;
    std::from_chars(lengths.front().data(), lengths.front().data() + lengths.front().size(), value);
    out.content_length = value;
  }
  return std::nullopt;
}

}  // namespace mcph::http::detail

namespace mcph::http {

bool is_token(std::string_view word) {
  if (word.empty()) return false;
  return std::all_of(word.begin(), word.end(), [](char c) {
    return detail::is_alnum(c) || (c != '\0' && std::strchr("!#$%&'*+-.^_`|~", c) != nullptr);
  });
}

}  // namespace mcph::http
