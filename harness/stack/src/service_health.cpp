#include "mcph/harness/stack/service_health.h"

#include <fcntl.h>
#include <netdb.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <optional>

#include "mcph/harness/stack/host_port.h"
#include "mcph/harness/stack/service_table.h"
#include "mcph/http/client.h"
#include "mcph/http/url.h"

namespace mcph::harness::stack {
namespace {

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

bool is_mcp_server(const std::string& name, const ServiceEntry& service) {
  return !service.mcp.transport.empty() ||
         (name.size() > 4 && name.compare(name.size() - 4, 4, "-mcp") == 0);
}

std::string with_realm(std::string path, const std::string& realm) {
  const std::string placeholder = "{realm}";
  if (const auto at = path.find(placeholder); at != std::string::npos) {
    path.replace(at, placeholder.size(), http::percent_encode(realm));
  }
  return path;
}

Health http_check(const std::string& url, std::chrono::milliseconds timeout) {
  const auto failure = http_get_failure(url, timeout);
  return failure ? Health{false, *failure} : Health{true, "HTTP 200 from GET " + http::parse_url(url).path};
}

}  // namespace

std::optional<std::string> http_get_failure(const std::string& url, std::chrono::milliseconds timeout) {
  try {
    const auto parsed = http::parse_url(url);
    http::ClientOptions options;
    options.connect_timeout = timeout;
    options.read_timeout = timeout;
    options.keep_alive = false;
    http::Client client(parsed.origin(), options);
    const std::string target = parsed.path.empty() ? "/" : parsed.path;
    const auto response = client.get(target);
    if (response.status == 200) return std::nullopt;
    return "HTTP " + std::to_string(response.status) + " from GET " + target;
  } catch (const std::exception& e) {
    return std::string(e.what());
  }
}

Health check_health(const std::string& name, const ServiceEntry& service, const std::string& realm,
                    std::chrono::milliseconds timeout) {
  // Where the server itself says it is ready (a native Keycloak's management interface, SPIRE's
  // health listener: its bundle endpoint's certificate is one only Keycloak is told to trust).
  if (!service.health_url.empty()) return http_check(service.health_url, timeout);
  const bool http = service.url.rfind("http://", 0) == 0 || service.url.rfind("https://", 0) == 0;
  if (!http) return tcp_check(service.url, timeout);
  HealthCheck check;
  if (const ServiceRow* row = find_service_row(name)) {
    check = row->health;
  } else if (is_mcp_server(name, service)) {
    check = HealthCheck{HealthCheck::Kind::http_get, "/health", true};
  }
  if (check.kind == HealthCheck::Kind::tcp) return tcp_check(service.url, timeout);
  try {
    std::string base = service.url;
    if (check.on_origin) base = http::parse_url(service.url).origin();
    while (!base.empty() && base.back() == '/') base.pop_back();
    return http_check(base + with_realm(check.path, realm), timeout);
  } catch (const std::exception& e) {
    return {false, e.what()};
  }
}

}  // namespace mcph::harness::stack
