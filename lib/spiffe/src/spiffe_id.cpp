#include "mcph/spiffe/spiffe_id.h"

namespace mcph::spiffe {
namespace {

constexpr std::string_view kScheme = "spiffe://";
constexpr std::size_t kMaxIdBytes = 2048;  // the standard's limit on a SPIFFE ID as a URI

bool trust_domain_char(char c) {
  return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '.' || c == '-' || c == '_';
}

bool path_char(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '.' || c == '-' ||
         c == '_';
}

}  // namespace

std::optional<std::string> why_not_trust_domain(std::string_view name) {
  if (name.empty()) return "the trust domain is empty";
  if (name.size() > 255) return "the trust domain is longer than 255 characters";
  for (const char c : name) {
    if (!trust_domain_char(c)) return "the trust domain may hold only a-z, 0-9, '.', '-' and '_'";
  }
  return std::nullopt;
}

std::string trust_domain_of(std::string_view id) {
  if (id.substr(0, kScheme.size()) != kScheme) return {};
  const std::string_view rest = id.substr(kScheme.size());
  return std::string(rest.substr(0, rest.find('/')));
}

std::optional<std::string> why_not_member_id(std::string_view id, std::string_view trust_domain) {
  if (id.size() > kMaxIdBytes) return "the SPIFFE ID is longer than 2048 bytes";
  if (id.substr(0, kScheme.size()) != kScheme) return "a SPIFFE ID starts with spiffe://";
  const std::string_view rest = id.substr(kScheme.size());
  const std::size_t slash = rest.find('/');
  const std::string_view domain = rest.substr(0, slash);
  if (auto why = why_not_trust_domain(domain)) return why;
  if (domain != trust_domain) return "the SPIFFE ID is not in the trust domain " + std::string(trust_domain);
  if (slash == std::string_view::npos) return "the SPIFFE ID names the trust domain, not a workload";
  std::string_view path = rest.substr(slash + 1);
  while (true) {
    const std::size_t next = path.find('/');
    const std::string_view segment = path.substr(0, next);
    if (segment.empty()) return "the SPIFFE ID's path has an empty segment";
    if (segment == "." || segment == "..") return "the SPIFFE ID's path has a '.' or '..' segment";
    for (const char c : segment) {
      if (!path_char(c)) return "the SPIFFE ID's path may hold only letters, digits, '.', '-' and '_'";
    }
    if (next == std::string_view::npos) return std::nullopt;
    path = path.substr(next + 1);
  }
}

std::string agent_id(std::string_view trust_domain, std::string_view name) {
  return std::string(kScheme) + std::string(trust_domain) + "/agent/" + std::string(name);
}

std::string in_trust_domain(std::string_view id, std::string_view trust_domain) {
  if (id.substr(0, kScheme.size()) != kScheme) return std::string(id);
  const std::string_view rest = id.substr(kScheme.size());
  const std::size_t slash = rest.find('/');
  return std::string(kScheme) + std::string(trust_domain) + std::string(slash == std::string_view::npos ? "" : rest.substr(slash));
}

}  // namespace mcph::spiffe
