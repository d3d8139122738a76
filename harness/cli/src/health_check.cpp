#include "health_check.h"

#include <fcntl.h>
#include <netdb.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <optional>

#include "mcph/http/client.h"
#include "mcph/http/url.h"

namespace mcph::harness::cli {
namespace {

struct HostPort {
  std::string host;
  std::string port;
};

// scheme://[user[:password]@]host[:port][/...] → host and port (default port per scheme).
std::optional<HostPort> host_port(const std::string& url) {
  const auto scheme_end = url.find("://");
  if (scheme_end == std::string::npos) return std::nullopt;
  const std::string scheme = url.substr(0, scheme_end);
  std::string authority = url.substr(scheme_end + 3);
  authority = authority.substr(0, authority.find_first_of("/?#"));
  if (const auto at = authority.rfind('@'); at != std::string::npos) authority.erase(0, at + 1);
  HostPort out;
  if (!authority.empty() && authority.front() == '[') {  // [IPv6]:port
    const auto close = authority.find(']');
    if (close == std::string::npos) return std::nullopt;
    out.host = authority.substr(1, close - 1);
    if (close + 1 < authority.size() && authority[close + 1] == ':') out.port = authority.substr(close + 2);
  } else if (const auto colon = authority.rfind(':'); colon != std::string::npos) {
    out.host = authority.substr(0, colon);
    out.port = authority.substr(colon + 1);
  } else {
    out.host = authority;
  }
  if (out.port.empty()) {
    if (scheme == "postgresql" || scheme == "postgres") out.port = "5432";
    if (scheme == "http") out.port = "80";
    if (scheme == "https") out.port = "443";
  }
  if (out.host.empty() || out.port.empty()) return std::nullopt;
  return out;
}

Health tcp_check(const std::string& url, std::chrono::milliseconds timeout) {
  const auto target = host_port(url);
  if (!target) return {false, "cannot find a host and port in the URL"};
  addrinfo hints{};
  hints.ai_socktype = SOCK_STREAM;
  addrinfo* found = nullptr;
  if (const int error = ::getaddrinfo(target->host.c_str(), target->port.c_str(), &hints, &found); error != 0) {
    return {false, "cannot resolve " + target->host + ": " + ::gai_strerror(error)};
  }
  std::string failure = "no address";
  for (addrinfo* address = found; address; address = address->ai_next) {
    const int fd = ::socket(address->ai_family, address->ai_socktype | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
    if (fd < 0) continue;
    int error = 0;
    if (::connect(fd, address->ai_addr, address->ai_addrlen) != 0) {
      error = errno;
      if (error == EINPROGRESS) {
        pollfd poll_fd{fd, POLLOUT, 0};
        const int ready = ::poll(&poll_fd, 1, static_cast<int>(timeout.count()));
        socklen_t length = sizeof error;
        if (ready == 1) {
          ::getsockopt(fd, SOL_SOCKET, SO_ERROR, &error, &length);
        } else {
          error = ETIMEDOUT;
        }
      }
    }
    ::close(fd);
    if (error == 0) {
      ::freeaddrinfo(found);
      return {true, "accepts TCP connections on " + target->host + ":" + target->port};
    }
    failure = std::strerror(error);
  }
  ::freeaddrinfo(found);
  return {false, "no TCP connection to " + target->host + ":" + target->port + ": " + failure};
}

// GET base + path; base is a URL up to its path prefix (an MCP server's /health is on its
// origin, a Keycloak or Vault behind a path prefix keeps it).
Health http_check(const std::string& base, const std::string& path, std::chrono::milliseconds timeout) {
  try {
    http::ClientOptions options;
    options.connect_timeout = timeout;
    options.read_timeout = timeout;
    options.keep_alive = false;
    http::Client client(base, options);
    const auto response = client.get(path);
    const std::string detail = "HTTP " + std::to_string(response.status) + " from GET " + path;
    return {response.status == 200, detail};
  } catch (const std::exception& e) {
    return {false, e.what()};
  }
}

bool is_mcp_server(const std::string& name, const ServiceEntry& service) {
  return service.extra.count("transport") > 0 ||
         (name.size() > 4 && name.compare(name.size() - 4, 4, "-mcp") == 0);
}

}  // namespace

Health check_health(const std::string& name, const ServiceEntry& service, const std::string& realm,
                    std::chrono::milliseconds timeout) {
  const bool http = service.url.rfind("http://", 0) == 0 || service.url.rfind("https://", 0) == 0;
  if (!http) return tcp_check(service.url, timeout);
  std::string base = service.url;
  while (!base.empty() && base.back() == '/') base.pop_back();
  if (is_mcp_server(name, service)) {
    try {
      return http_check(http::parse_url(service.url).origin(), "/health", timeout);
    } catch (const std::exception& e) {
      return {false, e.what()};
    }
  }
  if (name == "keycloak") {
    return http_check(base, "/realms/" + http::percent_encode(realm) + "/.well-known/openid-configuration", timeout);
  }
  if (name == "vault") return http_check(base, "/v1/sys/health", timeout);
  return tcp_check(service.url, timeout);
}

std::string mask_url_password(const std::string& url) {
  const auto scheme_end = url.find("://");
  if (scheme_end == std::string::npos) return url;
  const auto authority_end = url.find_first_of("/?#", scheme_end + 3);
  const auto at = url.rfind('@', authority_end == std::string::npos ? url.size() : authority_end);
  if (at == std::string::npos || at < scheme_end) return url;
  const auto colon = url.find(':', scheme_end + 3);
  if (colon == std::string::npos || colon > at) return url;
  return url.substr(0, colon + 1) + "****" + url.substr(at);
}

}  // namespace mcph::harness::cli
