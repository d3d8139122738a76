#include "origin_policy.h"

#include <algorithm>

#include "mcph/text/ascii_case.h"

namespace mcph::mcp::detail {

std::string host_without_port(std::string_view host) {
  if (!host.empty() && host.front() == '[') {
    const auto close = host.find(']');
    return text::ascii_lower(close == std::string_view::npos ? host : host.substr(0, close + 1));
  }
  return text::ascii_lower(host.substr(0, host.find(':')));
}

OriginPolicy::OriginPolicy(std::vector<std::string> allowed_hosts) {
  for (auto& host : allowed_hosts) {
    if (host == "*") any_ = true;
    allowed_hosts_.push_back(text::ascii_lower(host));
  }
}

bool OriginPolicy::allowed(std::string_view hostname) const {
  return any_ || std::find(allowed_hosts_.begin(), allowed_hosts_.end(), hostname) != allowed_hosts_.end();
}

std::optional<std::string> OriginPolicy::refusal(std::optional<std::string> host,
                                                 std::optional<std::string> origin) const {
  if (host && !allowed(host_without_port(*host))) return "Host header not allowed";
  if (origin) {
    // scheme://host[:port]; "null" (opaque origins) and anything else is refused.
    const auto scheme_end = origin->find("://");
    if (scheme_end == std::string::npos) return "Origin header not allowed";
    const std::string scheme = text::ascii_lower(std::string_view(*origin).substr(0, scheme_end));
    if (scheme != "http" && scheme != "https") return "Origin header not allowed";
    std::string_view authority = std::string_view(*origin).substr(scheme_end + 3);
    authority = authority.substr(0, authority.find('/'));
    if (authority.empty() || !allowed(host_without_port(authority))) return "Origin header not allowed";
  }
  return std::nullopt;
}

}  // namespace mcph::mcp::detail
