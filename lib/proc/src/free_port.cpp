#include "mcph/proc/free_port.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <cstdint>
#include <cstring>
#include <fstream>
#include <random>
#include <set>
#include <stdexcept>
#include <string>
#include <utility>

#include "mcph/text/ascii_case.h"

namespace mcph::proc {
namespace {

// The range the kernel takes the local ports of outgoing connections from (and of bind to port 0).
std::pair<int, int> ephemeral_port_range() {
  std::ifstream in("/proc/sys/net/ipv4/ip_local_port_range");
  int low = 32768;
  int high = 60999;
  in >> low >> high;
  return {low, high};
}

// Binds 127.0.0.1:port (0: any) without SO_REUSEADDR, so that a port any socket holds is refused;
// returns the port bound, or -1 with errno set.
int try_bind_loopback(int port) {
  const int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd < 0) return -1;
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  address.sin_port = htons(static_cast<std::uint16_t>(port));
  socklen_t length = sizeof address;
  int bound = -1;
  if (::bind(fd, reinterpret_cast<sockaddr*>(&address), sizeof address) == 0 &&
      ::getsockname(fd, reinterpret_cast<sockaddr*>(&address), &length) == 0) {
    bound = ntohs(address.sin_port);
  }
  const int error = errno;
  ::close(fd);
  errno = error;
  return bound;
}

}  // namespace

std::optional<PortRange> ports_outside_the_ephemeral_range() {
  constexpr int kLowest = 10000;  // above the ports services are usually configured on
  constexpr int kRoom = 4096;
  const auto [low, high] = ephemeral_port_range();
  if (low - kLowest >= kRoom) return PortRange{kLowest, low - 1};
  if (65535 - high >= kRoom) return PortRange{high + 1, 65535};
  return std::nullopt;
}

// Outside the ephemeral range: a port the kernel may hand to any outgoing connection in the
// seconds before the program binds it (a JVM takes ten) is one that program may then find taken,
// and on a machine running hundreds of tests' connections it sometimes is.
int free_loopback_port() {
  if (const auto range = ports_outside_the_ephemeral_range()) {
    std::uniform_int_distribution<int> pick(range->first, range->last);
    std::mt19937 random(std::random_device{}());
    for (int attempt = 0; attempt < 64; ++attempt) {
      const int port = try_bind_loopback(pick(random));
      if (port > 0) return port;
    }
  }
  const int port = try_bind_loopback(0);
  if (port < 0) throw std::runtime_error("cannot find a free loopback port: " + std::string(std::strerror(errno)));
  return port;
}

LoopbackListener listen_on_loopback(int backlog) {
  LoopbackListener listener;
  listener.fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  socklen_t length = sizeof address;
  if (listener.fd < 0 || ::bind(listener.fd, reinterpret_cast<sockaddr*>(&address), sizeof address) != 0 ||
      ::listen(listener.fd, backlog) != 0 || ::getsockname(listener.fd, reinterpret_cast<sockaddr*>(&address), &length) != 0) {
    const std::string why = std::strerror(errno);
    if (listener.fd >= 0) ::close(listener.fd);
    throw std::runtime_error("cannot listen on a loopback port: " + why);
  }
  listener.port = ntohs(address.sin_port);
  return listener;
}

bool says_port_taken(std::string_view error) {
  return text::ascii_lower(error).find("address already in use") != std::string::npos;
}

std::vector<int> free_loopback_ports(int count) {
  std::set<int> picked;
  std::vector<int> ports;
  while (static_cast<int>(ports.size()) < count) {
    if (const int port = free_loopback_port(); picked.insert(port).second) ports.push_back(port);
  }
  return ports;
}

}  // namespace mcph::proc
