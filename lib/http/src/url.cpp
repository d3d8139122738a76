#include "mcph/http/url.h"

#include <arpa/inet.h>

#include <algorithm>
#include <cctype>
#include <charconv>
#include <stdexcept>

namespace mcph::http {

std::string Url::origin() const { return scheme + "://" + authority(); }

std::string Url::authority() const { return host + ":" + std::to_string(port); }

Url parse_url(std::string_view text) {
  Url url;
  const auto scheme_end = text.find("://");
  if (scheme_end == std::string_view::npos) {
    throw std::invalid_argument("not a URL (no scheme): '" + std::string(text) + "'");
  }
  url.scheme = std::string(text.substr(0, scheme_end));
  if (url.scheme != "http" && url.scheme != "https") {
    throw std::invalid_argument("unsupported URL scheme '" + url.scheme + "'");
  }
  auto rest = text.substr(scheme_end + 3);
  const auto path_start = rest.find_first_of("/?");
  auto authority = rest.substr(0, path_start);
  url.path = path_start == std::string_view::npos ? "/" : std::string(rest.substr(path_start));
  if (url.path.front() == '?') url.path.insert(url.path.begin(), '/');
  if (authority.find('@') != std::string_view::npos) {
    throw std::invalid_argument("URLs with user information are not supported");
  }
  url.port = url.scheme == "https" ? 443 : 80;
  std::string_view port_text;
  if (!authority.empty() && authority.front() == '[') {  // [::1]:port
    const auto close = authority.find(']');
    if (close == std::string_view::npos) throw std::invalid_argument("unclosed IPv6 address in URL");
    url.host = std::string(authority.substr(1, close - 1));
    if (close + 1 < authority.size()) {
      if (authority[close + 1] != ':') throw std::invalid_argument("bad IPv6 authority in URL");
      port_text = authority.substr(close + 2);
    }
  } else {
    const auto colon = authority.rfind(':');
    url.host = std::string(authority.substr(0, colon));
    if (colon != std::string_view::npos) port_text = authority.substr(colon + 1);
  }
  if (url.host.empty()) throw std::invalid_argument("URL has no host");
  if (!port_text.empty()) {
    int port = 0;
    auto [end, ec] = std::from_chars(port_text.data(), port_text.data() + port_text.size(), port);
    if (ec != std::errc() || end != port_text.data() + port_text.size() || port <= 0 || port > 65535) {
      throw std::invalid_argument("bad port in URL: '" + std::string(port_text) + "'");
    }
    url.port = port;
  }
  return url;
}

std::string percent_encode(std::string_view text) {
  static constexpr char kHex[] = "0123456789ABCDEF";
  std::string out;
  out.reserve(text.size());
  for (unsigned char c : text) {
    if (std::isalnum(c) || c == '-' || c == '.' || c == '_' || c == '~') {
      out += static_cast<char>(c);
    } else {
      out += '%';
      out += kHex[c >> 4];
      out += kHex[c & 15];
    }
  }
  return out;
}

std::string percent_encode_segments(std::string_view path) {
  std::string out;
  for (std::size_t start = 0; start <= path.size();) {
    const std::size_t end = std::min(path.find('/', start), path.size());
    if (start > 0) out += '/';
    out += percent_encode(path.substr(start, end - start));
    start = end + 1;
  }
  return out;
}

std::optional<std::string> percent_decode(std::string_view text, bool plus_is_space) {
  auto hex = [](char c) -> int {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
  };
  std::string out;
  out.reserve(text.size());
  for (std::size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    if (c == '%') {
      if (i + 2 >= text.size()) return std::nullopt;
      const int hi = hex(text[i + 1]), lo = hex(text[i + 2]);
      if (hi < 0 || lo < 0) return std::nullopt;
      out += static_cast<char>(hi * 16 + lo);
      i += 2;
    } else if (c == '+' && plus_is_space) {
      out += ' ';
    } else {
      out += c;
    }
  }
  return out;
}

std::string form_encode(const Fields& fields) {
  std::string out;
  for (const auto& [key, value] : fields) {
    if (!out.empty()) out += '&';
    out += percent_encode(key);
    out += '=';
    out += percent_encode(value);
  }
  return out;
}

namespace {

// key=value pairs joined by '&', each split at its first '='; a pair that does not decode is
// an error (forms), or dropped (queries).
Fields parse_pairs(std::string_view text, bool drop_malformed) {
  Fields fields;
  while (!text.empty()) {
    const auto amp = text.find('&');
    const auto pair = text.substr(0, amp);
    text = amp == std::string_view::npos ? std::string_view{} : text.substr(amp + 1);
    if (pair.empty()) continue;
    const auto eq = pair.find('=');
    auto key = percent_decode(pair.substr(0, eq), true);
    auto value = eq == std::string_view::npos ? std::optional<std::string>("")
                                              : percent_decode(pair.substr(eq + 1), true);
    if (!key || !value) {
      if (drop_malformed) continue;
      throw HttpError(400, "malformed percent-encoding in form data");
    }
    fields.emplace_back(std::move(*key), std::move(*value));
  }
  return fields;
}

}  // namespace

bool is_loopback_ipv4(const std::string& address) {
  in_addr parsed{};
  return ::inet_pton(AF_INET, address.c_str(), &parsed) == 1 && (ntohl(parsed.s_addr) >> 24) == 127;
}

Fields parse_form(std::string_view body) { return parse_pairs(body, false); }

Fields parse_query(std::string_view query) { return parse_pairs(query, true); }

}  // namespace mcph::http
