#include "raw_tcp.h"

#include <netdb.h>
#include <poll.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <stdexcept>

#include "mcph/sync/elapsed.h"

namespace mcph::harness::scenario {
namespace {

using Clock = std::chrono::steady_clock;
constexpr long kSendTimeoutSeconds = 10;

class Socket {
 public:
  explicit Socket(int fd) : fd_(fd) {}
  ~Socket() { ::close(fd_); }
  Socket(const Socket&) = delete;
  Socket& operator=(const Socket&) = delete;
  int fd() const { return fd_; }

 private:
  int fd_;
};

}  // namespace

int connect_raw(const std::string& host, int port) {
  addrinfo hints{};
  hints.ai_family = AF_UNSPEC;
  hints.ai_socktype = SOCK_STREAM;
  addrinfo* found = nullptr;
  if (const int error = ::getaddrinfo(host.c_str(), std::to_string(port).c_str(), &hints, &found); error != 0) {
    throw std::runtime_error("tcp: cannot resolve " + host + ": " + ::gai_strerror(error));
  }
  int fd = -1;
  for (const addrinfo* at = found; at != nullptr && fd < 0; at = at->ai_next) {
    fd = ::socket(at->ai_family, at->ai_socktype | SOCK_CLOEXEC, at->ai_protocol);
    // Bounds connect() and every send() (Linux applies SO_SNDTIMEO to both).
    const timeval limit{kSendTimeoutSeconds, 0};
    if (fd >= 0) ::setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &limit, sizeof limit);
    if (fd >= 0 && ::connect(fd, at->ai_addr, at->ai_addrlen) != 0) {
      ::close(fd);
      fd = -1;
    }
  }
  ::freeaddrinfo(found);
  if (fd < 0) throw std::runtime_error("tcp: cannot connect to " + host + ":" + std::to_string(port));
  return fd;
}

namespace {

using sync::ms_since;

// Reads what is there, waiting up to `timeout` for the first byte. Returns false once the
// server has closed the connection (EOF or reset).
bool read_some(int fd, std::chrono::milliseconds timeout, std::string& received) {
  pollfd ready{fd, POLLIN, 0};
  if (::poll(&ready, 1, static_cast<int>(timeout.count())) <= 0) return true;
  char buffer[16 * 1024];
  const ssize_t got = ::recv(fd, buffer, sizeof buffer, 0);
  if (got > 0) {
    received.append(buffer, static_cast<std::size_t>(got));
    return true;
  }
  return got < 0 && (errno == EINTR || errno == EAGAIN);
}

}  // namespace

RawReply exchange_raw(const RawSend& send) {
  const Socket connection(connect_raw(send.host, send.port));
  const auto started = Clock::now();
  RawReply reply;
  bool open = true;
  const auto closed = [&] {
    open = false;
    reply.closed_after_ms = ms_since(started);
  };
  // Waits `pause` while reading whatever arrives; false once the server closed.
  const auto pause = [&](std::chrono::milliseconds length) {
    const auto until = Clock::now() + length;
    while (open && Clock::now() < until) {
      const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(until - Clock::now());
      if (!read_some(connection.fd(), std::max(left, std::chrono::milliseconds(1)), reply.received)) closed();
    }
    return open;
  };
  const auto send_bytes = [&](const std::string& bytes) {
    const ssize_t sent = ::send(connection.fd(), bytes.data(), bytes.size(), MSG_NOSIGNAL);
    if (sent < 0) {
      closed();
      return false;
    }
    reply.bytes_sent += static_cast<std::size_t>(sent);
    return true;
  };

  for (std::size_t i = 0; i < send.chunks.size() && open; ++i) {
    if (i > 0 && !pause(send.delay)) break;
    send_bytes(send.chunks[i]);
  }
  // The trickle stops as soon as the server says anything or hangs up.
  for (int i = 0; i < send.trickle_times && open && reply.received.empty(); ++i) {
    if (!pause(send.trickle_every) || !reply.received.empty()) break;
    send_bytes(send.trickle);
  }
  // The answer: until the server closes, or read_for passes.
  pause(send.read_for);
  return reply;
}

}  // namespace mcph::harness::scenario
