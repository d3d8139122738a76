#pragma once
// DNS-rebinding protection: the Host and Origin headers must name an allowed host.
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace mcph::mcp::detail {

class OriginPolicy {
 public:
  // Host names without port, compared case-insensitively; "*" allows any.
  explicit OriginPolicy(std::vector<std::string> allowed_hosts);

  // The reason a request is refused, or nullopt when its headers are acceptable. An absent
  // Origin is acceptable (only browsers send it); an absent Host is too (HTTP/1.0).
  std::optional<std::string> refusal(std::optional<std::string> host, std::optional<std::string> origin) const;

 private:
  bool allowed(std::string_view hostname) const;
  std::vector<std::string> allowed_hosts_;
  bool any_ = false;
};

// "example.com:8080" → "example.com"; "[::1]:80" → "[::1]". Lower-cased.
std::string host_without_port(std::string_view host);

}  // namespace mcph::mcp::detail
