#pragma once
// Real sockets on loopback for the fault proxy's tests: upstream servers (echo, or one that
// sends a blob and closes, or one that never reads) and a blocking client with deadlines.
#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <chrono>
#include <list>
#include <mutex>
#include <string>
#include <thread>

#include "mcph/proc/free_port.h"
#include "mcph/sync/elapsed.h"

namespace mcph::harness::faults::testing {

using Clock = std::chrono::steady_clock;
using namespace std::chrono_literals;

using sync::ms_since;

// An upstream on a free loopback port; each connection is served on a thread of its own.
class Upstream {
 public:
  enum class Mode { echo, blob_then_close, never_read };

  explicit Upstream(Mode mode, std::string blob = {}) : mode_(mode), blob_(std::move(blob)) {
    const proc::LoopbackListener listener = proc::listen_on_loopback(64);
    fd_ = listener.fd;
    port_ = listener.port;
    accept_thread_ = std::thread([this] { accept_loop(); });
  }
  ~Upstream() {
    stopping_ = true;
    ::shutdown(fd_, SHUT_RDWR);
    accept_thread_.join();
    ::close(fd_);
    std::lock_guard lock(mutex_);
    for (int fd : connections_) ::shutdown(fd, SHUT_RDWR);
    for (auto& thread : threads_) thread.join();
    for (int fd : connections_) ::close(fd);
  }
  std::string address() const { return "127.0.0.1:" + std::to_string(port_); }
  int accepted() const { return accepted_; }

 private:
  void accept_loop() {
    for (;;) {
      const int client = ::accept4(fd_, nullptr, nullptr, SOCK_CLOEXEC);
      if (client < 0) return;
      std::lock_guard lock(mutex_);
      connections_.push_back(client);
      threads_.emplace_back([this, client] { serve(client); });
      // Counted once its thread exists, so a test that counts threads after seeing accepted()
      // never sees one still to come (tsan CI saw 4 threads where 3 were expected).
      ++accepted_;
    }
  }
  void serve(int fd) {
    if (mode_ == Mode::blob_then_close) {
      ::send(fd, blob_.data(), blob_.size(), MSG_NOSIGNAL);
      ::shutdown(fd, SHUT_WR);
    }
    if (mode_ == Mode::never_read) {
      while (!stopping_) std::this_thread::sleep_for(10ms);
      return;
    }
    char buffer[16384];
    for (;;) {
      const ssize_t n = ::recv(fd, buffer, sizeof buffer, 0);
      if (n <= 0) break;
      if (mode_ == Mode::echo) ::send(fd, buffer, static_cast<std::size_t>(n), MSG_NOSIGNAL);
    }
    ::shutdown(fd, SHUT_WR);
  }

  Mode mode_;
  std::string blob_;
  int fd_ = -1;
  int port_ = 0;
  std::atomic<bool> stopping_{false};
  std::atomic<int> accepted_{0};
  std::thread accept_thread_;
  std::mutex mutex_;
  std::list<int> connections_;
  std::list<std::thread> threads_;
};

// What a read ended with.
enum class End { data, closed, reset, timeout };

class Client {
 public:
  explicit Client(const std::string& address) {
    fd_ = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    const auto colon = address.rfind(':');
    sockaddr_in target{};
    target.sin_family = AF_INET;
    target.sin_port = htons(static_cast<std::uint16_t>(std::stoi(address.substr(colon + 1))));
    ::inet_pton(AF_INET, address.substr(0, colon).c_str(), &target.sin_addr);
    connected_ = ::connect(fd_, reinterpret_cast<sockaddr*>(&target), sizeof target) == 0;
    connect_errno_ = connected_ ? 0 : errno;
  }
  ~Client() { ::close(fd_); }
  Client(const Client&) = delete;
  Client& operator=(const Client&) = delete;

  bool connected() const { return connected_; }
  int connect_errno() const { return connect_errno_; }
  bool send_text(const std::string& text) {
    return ::send(fd_, text.data(), text.size(), MSG_NOSIGNAL) == static_cast<ssize_t>(text.size());
  }
  // Reads until `want` bytes came, the peer closed or reset, or `timeout` passed.
  End receive(std::string& into, std::size_t want, std::chrono::milliseconds timeout, int* reads = nullptr) {
    const auto deadline = Clock::now() + timeout;
    while (into.size() < want) {
      const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now()).count();
      if (left <= 0) return End::timeout;
      pollfd entry{fd_, POLLIN, 0};
      if (::poll(&entry, 1, static_cast<int>(left)) <= 0) continue;
      char buffer[65536];
      const ssize_t n = ::recv(fd_, buffer, sizeof buffer, 0);
      if (n == 0) return End::closed;
      if (n < 0) return errno == ECONNRESET ? End::reset : End::closed;
      into.append(buffer, static_cast<std::size_t>(n));
      if (reads) ++*reads;
    }
    return End::data;
  }
  // Reads everything until the peer closes or resets (or the timeout).
  End receive_to_end(std::string& into, std::chrono::milliseconds timeout) {
    return receive(into, std::string::npos, timeout);
  }
  int fd() const { return fd_; }

 private:
  int fd_ = -1;
  bool connected_ = false;
  int connect_errno_ = 0;
};

}  // namespace mcph::harness::faults::testing
