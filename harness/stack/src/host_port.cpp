#include "mcph/harness/stack/host_port.h"

namespace mcph::harness::stack {

std::string HostPort::authority() const {
  const bool v6 = host.find(':') != std::string::npos;
  return (v6 ? "[" + host + "]" : host) + ":" + port;
}

std::optional<HostPort> parse_authority(std::string_view authority) {
  HostPort out;
  if (!authority.empty() && authority.front() == '[') {  // [IPv6]:port
    const auto close = authority.find(']');
    if (close == std::string_view::npos) return std::nullopt;
    out.host = authority.substr(1, close - 1);
    if (close + 1 < authority.size() && authority[close + 1] == ':') out.port = authority.substr(close + 2);
  } else if (const auto colon = authority.rfind(':'); colon != std::string_view::npos) {
    out.host = authority.substr(0, colon);
    out.port = authority.substr(colon + 1);
  } else {
    out.host = authority;
  }
  return out;
}

std::optional<HostPort> host_port(const std::string& url) {
  const auto scheme_end = url.find("://");
  if (scheme_end == std::string::npos) return std::nullopt;
  const std::string scheme = url.substr(0, scheme_end);
  std::string authority = url.substr(scheme_end + 3);
  authority = authority.substr(0, authority.find_first_of("/?#"));
  if (const auto at = authority.rfind('@'); at != std::string::npos) authority.erase(0, at + 1);
  auto out = parse_authority(authority);
  if (!out) return std::nullopt;
  if (out->port.empty()) {
    if (scheme == "postgresql" || scheme == "postgres") out->port = "5432";
    if (scheme == "http") out->port = "80";
    if (scheme == "https") out->port = "443";
  }
  if (out->host.empty() || out->port.empty()) return std::nullopt;
  return out;
}

}  // namespace mcph::harness::stack
