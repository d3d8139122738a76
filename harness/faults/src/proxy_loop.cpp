// A proxy's event loop: one thread, one epoll set with the listener, the wake eventfd and both
// sockets of every connection (edge-triggered), and the deadlines of the connections whose
// toxics hold data or run timers.
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <iostream>
#include <memory>
#include <unordered_map>
#include <unordered_set>
#include <vector>

#include "connection.h"
#include "proxy.h"

namespace mcph::harness::faults::detail {
namespace {

// epoll_event.data.u64: these two, or a connection's id times two plus its side (1: upstream).
constexpr std::uint64_t kWake = 0;
constexpr std::uint64_t kListen = 1;
constexpr int kMaxEvents = 256;
constexpr int kIdleWaitMs = 1000;  // nothing timed: the loop only needs waking by its fds

bool watch(int epoll_fd, int fd, std::uint32_t events, std::uint64_t data) {
  epoll_event event{};
  event.events = events;
  event.data.u64 = data;
  return ::epoll_ctl(epoll_fd, EPOLL_CTL_ADD, fd, &event) == 0;
}

}  // namespace

void Proxy::run_loop() {
  const int epoll_fd = ::epoll_create1(EPOLL_CLOEXEC);
  if (epoll_fd < 0 || !watch(epoll_fd, wake_fd_, EPOLLIN, kWake)) {
    // Without its loop the proxy carries nothing; say so rather than hang every client.
    std::cerr << "fault proxy " << name_ << ": cannot start its event loop: " << std::strerror(errno) << "\n";
    if (epoll_fd >= 0) ::close(epoll_fd);
    return;
  }
  std::unordered_map<std::uint64_t, std::unique_ptr<Connection>> connections;
  std::unordered_set<std::uint64_t> timed;  // ids of connections with a deadline
  std::uint64_t next_id = 1;
  bool listening = false;
  std::shared_ptr<const Chain> chains[2] = {chain(Stream::upstream), chain(Stream::downstream)};

  // After anything happened to a connection: forget it once closed, else note its deadline.
  const auto settle = [&](std::uint64_t id, Connection& connection) {
    if (connection.closed()) {
      timed.erase(id);
      connections.erase(id);
    } else if (connection.deadline()) {
      timed.insert(id);
    } else {
      timed.erase(id);
    }
  };
  const auto accept_all = [&](Clock::time_point now) {
    while (connections.size() < limits_.max_connections_per_proxy) {
      const int client = ::accept4(listen_fd_, nullptr, nullptr, SOCK_CLOEXEC | SOCK_NONBLOCK);
      if (client < 0) return;  // EAGAIN: the queue is empty (other errors: the next event retries)
      const int one = 1;
      ::setsockopt(client, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
      const std::uint64_t id = next_id++;
      auto connection = std::make_unique<Connection>(client, limits_, chains);
      Connection& added = *connection;
      connections.emplace(id, std::move(connection));
      if (added.start_connect(upstream_address(), now)) {
        constexpr std::uint32_t kEvents = EPOLLIN | EPOLLOUT | EPOLLRDHUP | EPOLLET;
        if (!watch(epoll_fd, added.client_fd(), kEvents, id * 2) ||
            !watch(epoll_fd, added.upstream_fd(), kEvents, id * 2 + 1)) {
          added.close(false);
        }
      }
      settle(id, added);
    }
  };

  epoll_event events[kMaxEvents];
  while (!stopping_) {
    // At the limit the listener is not watched: new connections wait in its queue.
    const bool room = connections.size() < limits_.max_connections_per_proxy;
    if (room != listening) {
      if (room) {
        watch(epoll_fd, listen_fd_, EPOLLIN, kListen);
      } else {
        ::epoll_ctl(epoll_fd, EPOLL_CTL_DEL, listen_fd_, nullptr);
      }
      listening = room;
    }
    int wait_ms = kIdleWaitMs;
    const auto before = Clock::now();
    for (const std::uint64_t id : timed) {
      const auto at = *connections.at(id)->deadline();
      // Rounded up: waking before the deadline would only spin.
      const auto left = std::chrono::ceil<std::chrono::milliseconds>(at - std::min(at, before)).count();
      wait_ms = std::min<int>(wait_ms, static_cast<int>(left));
    }
    const int ready = ::epoll_wait(epoll_fd, events, kMaxEvents, wait_ms);
    if (ready < 0 && errno != EINTR) {
      std::cerr << "fault proxy " << name_ << ": its event loop failed, its connections close: " << std::strerror(errno)
                << "\n";
      break;
    }
    const auto now = Clock::now();
    for (int i = 0; i < std::max(ready, 0); ++i) {
      const std::uint64_t data = events[i].data.u64;
      if (data == kWake) {
        std::uint64_t count = 0;
        [[maybe_unused]] const auto ignored = ::read(wake_fd_, &count, sizeof count);
        if (chains_changed_.exchange(false)) {
          chains[0] = chain(Stream::upstream);
          chains[1] = chain(Stream::downstream);
          for (auto it = connections.begin(); it != connections.end();) {
            auto& [id, connection] = *it++;  // settle() may erase it
            connection->set_chains(chains, now);
            settle(id, *connection);
          }
        }
      } else if (data == kListen) {
        accept_all(now);
      } else {
        const auto found = connections.find(data / 2);
        if (found == connections.end()) continue;  // closed earlier in this batch
        found->second->on_events(data % 2 == 1, events[i].events, now);
        settle(found->first, *found->second);
      }
    }
    const auto later = Clock::now();
    for (const std::uint64_t id : std::vector<std::uint64_t>(timed.begin(), timed.end())) {
      Connection& connection = *connections.at(id);
      if (*connection.deadline() > later) continue;
      connection.on_time(later);
      settle(id, connection);
    }
  }
  for (auto& [id, connection] : connections) connection->close(false);
  ::close(epoll_fd);
}

}  // namespace mcph::harness::faults::detail
