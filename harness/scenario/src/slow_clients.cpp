#include "slow_clients.h"

#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <stdexcept>

#include "raw_tcp.h"

namespace mcph::harness::scenario {
namespace {

// Sends without waiting; false when the server closed the connection or it failed.
bool send_now(int fd, const std::string& bytes) {
  const ssize_t sent = ::send(fd, bytes.data(), bytes.size(), MSG_NOSIGNAL | MSG_DONTWAIT);
  return sent >= 0 || errno == EAGAIN || errno == EWOULDBLOCK;
}

// Drops what the server sent; false once it closed the connection.
bool drain(int fd) {
  char buffer[4096];
  for (;;) {
    const ssize_t got = ::recv(fd, buffer, sizeof buffer, MSG_DONTWAIT);
    if (got > 0) continue;
    return got < 0 && (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR);
  }
}

}  // namespace

SlowClients::SlowClients(SlowClientsOptions options) : options_(std::move(options)) {
  try {
    for (int i = 0; i < options_.connections; ++i) {
      fds_.push_back(connect_raw(options_.host, options_.port));
      if (!send_now(fds_.back(), options_.start)) {
        throw std::runtime_error("slow_clients: the server closed connection " + std::to_string(i + 1) +
                                 " before its start was sent");
      }
    }
  } catch (...) {
    close_all();
    throw;
  }
  thread_ = std::thread([this] { trickle(); });
}

SlowClients::~SlowClients() {
  {
    std::lock_guard lock(mutex_);
    stopping_ = true;
  }
  stop_.notify_all();
  if (thread_.joinable()) thread_.join();
  close_all();
}

void SlowClients::trickle() {
  const auto until = std::chrono::steady_clock::now() + options_.hold;
  std::unique_lock lock(mutex_);
  while (!stop_.wait_until(lock, std::min(until, std::chrono::steady_clock::now() + options_.every),
                           [this] { return stopping_; }) &&
         std::chrono::steady_clock::now() < until) {
    for (int& fd : fds_) {
      if (fd < 0) continue;
      if (!drain(fd) || !send_now(fd, options_.trickle)) {
        ::close(fd);
        fd = -1;
      }
    }
  }
}

void SlowClients::close_all() {
  for (int& fd : fds_) {
    if (fd >= 0) ::close(fd);
    fd = -1;
  }
}

}  // namespace mcph::harness::scenario
