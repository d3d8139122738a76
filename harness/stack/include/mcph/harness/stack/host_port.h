#pragma once
// Where a service of the stack listens, from its URL (http://…, postgresql://user:pw@…): what
// the TCP health check connects to and what the fault proxy forwards to.
#include <optional>
#include <string>
#include <string_view>

namespace mcph::harness::stack {

struct HostPort {
  std::string host;  // without the brackets of an IPv6 literal
  std::string port;
  std::string authority() const;  // host:port, an IPv6 host in brackets
};

// "host:port" or "[v6]:port"; the port may be missing (empty). nullopt when malformed.
std::optional<HostPort> parse_authority(std::string_view authority);

// scheme://[user[:password]@]host[:port][/...] → host and port, the scheme's default port when
// none is written (http 80, https 443, postgresql 5432). nullopt without a host or a port.
std::optional<HostPort> host_port(const std::string& url);

}  // namespace mcph::harness::stack
