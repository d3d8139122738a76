#include "reactor.h"

#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <sys/socket.h>
#include <sys/timerfd.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <optional>
#include <stdexcept>
#include <string>

#include "connection_stream.h"
#include "mcph/http/run_slot.h"
#include "run_slot_take.h"
#include "streaming_connection.h"
#include "tls_context.h"

namespace mcph::http::detail {
namespace {

using Clock = std::chrono::steady_clock;

constexpr std::uint64_t kListenerId = 0;
constexpr std::uint64_t kStopId = 1;
constexpr std::uint64_t kTimerId = 2;
constexpr long kSweepIntervalNs = 250'000'000;

[[noreturn]] void fail(const std::string& what) {
  throw std::runtime_error("http server: " + what + ": " + std::strerror(errno));
}

// Whether the client has sent bytes no worker has read yet: a request waiting in the epoll set
// behind busy workers. Its connection is not idle, however long ago its last request was.
bool has_unread_bytes(int fd) {
  char byte = 0;
  return ::recv(fd, &byte, 1, MSG_PEEK | MSG_DONTWAIT) > 0;
}

}  // namespace

struct Reactor::Connection {
  explicit Connection(std::size_t max_body) : gathering(max_body) {}
  int fd = -1;
  std::unique_ptr<ConnectionStream> stream;
  Clock::time_point last_active{};
  bool busy = false;  // a worker is serving it
  std::size_t requests = 0;
  // Of the request being gathered: the time it must be whole by, and whether its client was
  // sent the 100 Continue it waits for.
  std::optional<Clock::time_point> deadline;
  bool continued = false;
  RequestGathering gathering;
  // Set once the connection carries a streamed answer.
  std::shared_ptr<StreamingConnection> streaming;
};

Reactor::Reactor(int listen_fd, ReactorOptions options, ServeRequest serve)
    : listen_fd_(listen_fd),
      options_(options),
      serve_(std::move(serve)),
      run_slots_(std::max<std::size_t>(options.runners, 1)) {
  if (options_.workers == 0) options_.workers = 1;
  ::fcntl(listen_fd_, F_SETFL, ::fcntl(listen_fd_, F_GETFL) | O_NONBLOCK);
  epoll_fd_ = ::epoll_create1(EPOLL_CLOEXEC);
  if (epoll_fd_ < 0) fail("epoll_create1");
  stop_fd_ = ::eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
  if (stop_fd_ < 0) fail("eventfd");
  timer_fd_ = ::timerfd_create(CLOCK_MONOTONIC, TFD_NONBLOCK | TFD_CLOEXEC);
  if (timer_fd_ < 0) fail("timerfd_create");
  itimerspec every{};
  every.it_interval.tv_nsec = kSweepIntervalNs;
  every.it_value.tv_nsec = kSweepIntervalNs;
  ::timerfd_settime(timer_fd_, 0, &every, nullptr);
  // Level-triggered and never read: once stop() writes it, every worker's epoll_wait sees it.
  epoll_event event{};
  event.events = EPOLLIN;
  event.data.u64 = kStopId;
  if (::epoll_ctl(epoll_fd_, EPOLL_CTL_ADD, stop_fd_, &event) != 0) fail("epoll_ctl(eventfd)");
  arm(timer_fd_, kTimerId, EPOLL_CTL_ADD);
  arm(listen_fd_, kListenerId, EPOLL_CTL_ADD);
}

Reactor::~Reactor() {
  stop();
  for (int fd : {timer_fd_, stop_fd_, epoll_fd_}) {
    if (fd >= 0) ::close(fd);
  }
}

// One worker at a time per descriptor: it is handed out once, then re-armed by whoever had it.
void Reactor::arm(int fd, std::uint64_t id, int op, std::uint32_t events) {
  epoll_event event{};
  event.events = EPOLLIN | EPOLLRDHUP | EPOLLONESHOT | events;
  event.data.u64 = id;
  ::epoll_ctl(epoll_fd_, op, fd, &event);
}

void Reactor::arm_at_once(int fd, std::uint64_t id) {
  epoll_event event{};
  event.events = EPOLLIN | EPOLLOUT | EPOLLRDHUP | EPOLLONESHOT;  // writable: ready at once
  event.data.u64 = id;
  ::epoll_ctl(epoll_fd_, EPOLL_CTL_MOD, fd, &event);
}

void Reactor::start() {
  for (std::size_t i = 0; i < options_.workers; ++i) workers_.emplace_back([this] { work(); });
}

void Reactor::stop() {
  std::call_once(stopped_, [this] {
    stopping_ = true;
    const std::uint64_t one = 1;
    [[maybe_unused]] const auto ignored = ::write(stop_fd_, &one, sizeof one);
    {
      // A request still being received ends; one being handled is answered, then closed.
      std::lock_guard lock(mutex_);
      for (auto& [id, connection] : connections_) {
        if (connection->busy) ::shutdown(connection->fd, SHUT_RD);
      }
    }
    for (auto& worker : workers_) worker.join();
    workers_.clear();
    ::close(listen_fd_);
    std::unordered_map<std::uint64_t, std::shared_ptr<Connection>> closing;
    {
      std::lock_guard lock(mutex_);
      closing.swap(connections_);
    }
    // Streams end before their descriptors close (end() runs the application's callbacks,
    // outside the reactor's lock).
    for (auto& [id, connection] : closing) {
      if (connection->streaming) connection->streaming->end();
      ::close(connection->fd);
    }
  });
}

std::size_t Reactor::open_connections() const {
  std::lock_guard lock(mutex_);
  return connections_.size();
}

// A worker waits for connections only while it holds a run slot. One that served a request
// without giving its slot up goes straight back to epoll_wait: the next ready connection is its
// own, with no hand-off to another thread.
void Reactor::work() {
  for (;;) {
    take_run_slot(run_slots_);
    if (stopping_) break;
    epoll_event event{};
    const int ready = ::epoll_wait(epoll_fd_, &event, 1, -1);
    if (ready < 0 && errno == EINTR) continue;
    if (ready < 0 || event.data.u64 == kStopId || stopping_) break;
    if (ready == 0) continue;
    switch (event.data.u64) {
      case kListenerId:
        accept_ready();
        break;
      case kTimerId: {
        std::uint64_t expirations = 0;
        [[maybe_unused]] const auto ignored = ::read(timer_fd_, &expirations, sizeof expirations);
        sweep();
        arm(timer_fd_, kTimerId, EPOLL_CTL_MOD);
        break;
      }
      default:
        serve(event.data.u64);
    }
  }
  release_run_slot();  // to a worker still waiting for one, which then sees the stop
}

void Reactor::accept_ready() {
  for (;;) {
    {
      std::lock_guard lock(mutex_);
      if (connections_.size() >= options_.max_connections) {
        listener_paused_ = true;  // the rest wait in the listen queue; a close re-arms it
        return;
      }
    }
    const int fd = ::accept4(listen_fd_, nullptr, nullptr, SOCK_NONBLOCK | SOCK_CLOEXEC);
    if (fd < 0) {
      if (errno == EINTR || errno == ECONNABORTED) continue;
      if (errno == EMFILE || errno == ENFILE || errno == ENOBUFS || errno == ENOMEM) {
        std::lock_guard lock(mutex_);
        accept_paused_until_ = Clock::now() + std::chrono::milliseconds(100);
        listener_paused_ = true;  // the sweep re-arms it
        return;
      }
      break;  // EAGAIN: every waiting connection is taken
    }
    const int one = 1;
    ::setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
    auto connection = std::make_shared<Connection>(options_.max_body_bytes);
    connection->fd = fd;
    connection->stream = std::make_unique<ConnectionStream>(fd, options_.read_timeout, options_.write_timeout,
                                                            options_.head_timeout);
    connection->stream->count_peak_into(most_buffered_);
    connection->last_active = Clock::now();
    if (options_.tls != nullptr) {
      auto session = options_.tls->session(fd);
      if (!session) {
        ::close(fd);
        continue;
      }
      connection->stream->start_tls(std::move(session));
      connection->deadline = connection->last_active + options_.head_timeout;  // for the handshake
    }
    std::lock_guard lock(mutex_);
    const std::uint64_t id = next_id_++;
    connections_.emplace(id, connection);
    arm(fd, id, EPOLL_CTL_ADD);
  }
  arm(listen_fd_, kListenerId, EPOLL_CTL_MOD);
}

void Reactor::serve(std::uint64_t id) {
  std::shared_ptr<Connection> connection;
  {
    std::lock_guard lock(mutex_);
    const auto it = connections_.find(id);
    if (it == connections_.end() || it->second->busy) return;  // closed by the sweep meanwhile
    connection = it->second;
    connection->busy = true;
  }
  if (connection->streaming) {
    serve_stream(id, *connection);
    return;
  }
  // Requests the client sent ahead (pipelining) are served in turn before the connection goes
  // back to the set.
  while (gathered(id, *connection)) {
    ConnectionStream& stream = *connection->stream;
    stream.set_deadline(connection->deadline);
    const bool last = stopping_ || ++connection->requests >= options_.max_requests_per_connection;
    Served served = serve_(stream, last);
    connection->deadline.reset();
    connection->continued = false;
    connection->gathering.restart();
    if (served.stream) {
      start_stream(id, connection, *served.stream, served.keep);
      return;
    }
    const bool keep = served.keep;
    if (!keep || served.client_closes || last || stopping_) {
      if (keep && stream.tls() != nullptr) stream.tls()->close_notify();  // the answer went out whole
      close_connection(id);
      return;
    }
  }
}

void Reactor::start_stream(std::uint64_t id, const std::shared_ptr<Connection>& connection,
                           const StreamStart& start, bool sent) {
  const int fd = connection->fd;
  auto streaming = std::make_shared<StreamingConnection>(
      fd, sent ? connection->stream.get() : nullptr,
      [this, fd, id](bool writable_too) { arm(fd, id, EPOLL_CTL_MOD, writable_too ? std::uint32_t{EPOLLOUT} : 0); },
      start);
  {
    std::lock_guard lock(mutex_);
    connection->streaming = streaming;
  }
  if (start.opened) start.opened(streaming);
  if (!sent) {
    close_connection(id);
    return;
  }
  {
    std::lock_guard lock(mutex_);
    connection->busy = false;
    connection->last_active = Clock::now();
  }
  streaming->rearm();  // a stream closed meanwhile reports its hang-up at once
}

void Reactor::serve_stream(std::uint64_t id, Connection& connection) {
  if (connection.streaming->ready()) {
    {
      std::lock_guard lock(mutex_);
      connection.busy = false;
    }
    connection.streaming->rearm();
    return;
  }
  close_connection(id);
}

bool Reactor::gathered(std::uint64_t id, Connection& connection) {
  ConnectionStream& stream = *connection.stream;
  if (stream.handshaking() && !handshaken(id, connection)) return false;
  bool open = true;
  const Gathering state = take_in(connection, open);
  if (!stream.has_buffered_bytes()) {
    if (open) {
      give_back(id, connection);
    } else {
      close_connection(id);  // the client closed between requests
    }
    return false;
  }
  const auto now = Clock::now();
  if (!connection.deadline) connection.deadline = now + options_.head_timeout;
  if (state == Gathering::whole || now >= *connection.deadline) return true;  // a late one is answered 408
  if (!open) {
    close_connection(id);  // the client left mid-request: nothing to answer
    return false;
  }
  if (state == Gathering::need_more_after_continue && !connection.continued) {
    connection.continued = stream.send("HTTP/1.1 100 Continue\r\n\r\n");
  }
  give_back(id, connection);
  return false;
}

// Reading stops at the gathering's limit, which lets the connection hold the request and
// kMaxReadAheadBytes beyond it; it goes on while the request is not whole and more keeps coming.
// When it returns a request that is not whole, the socket had no more (the connection can wait
// for readability); a whole one is served, and the connection reads on after it.
Gathering Reactor::take_in(Connection& connection, bool& open) {
  ConnectionStream& stream = *connection.stream;
  Gathering state = Gathering::need_more;
  bool drained = false;
  for (;;) {
    const std::size_t held = stream.pending().size();
    std::size_t limit = std::max(held, kMaxReadAheadBytes);  // without gathering: its read-ahead
    if (options_.gather_requests) {
      if (held > 0) state = connection.gathering.advance(stream.pending());
      limit = connection.gathering.read_limit(held);
    } else if (held > 0) {
      state = Gathering::whole;
    }
    if (drained || held >= limit || !open) return state;
    open = stream.receive_available(limit - held);
    drained = stream.pending().size() < limit;  // it stopped before the limit: the socket had no more
  }
}

bool Reactor::handshaken(std::uint64_t id, Connection& connection) {
  ConnectionStream& stream = *connection.stream;
  const TlsSession::Handshake step = stream.tls()->handshake();
  if (step == TlsSession::Handshake::done) {
    connection.deadline.reset();  // the first request's own deadline starts with its first bytes
    return true;
  }
  const bool late = connection.deadline && Clock::now() >= *connection.deadline;
  if (step == TlsSession::Handshake::failed || late) {
    if (options_.on_handshake_failed) {
      options_.on_handshake_failed(stream, step == TlsSession::Handshake::failed
                                               ? stream.tls()->failure()
                                               : "not done within " + std::to_string(options_.head_timeout.count()) +
                                                     " ms of the connection");
    }
    stream.drop_unread();
    close_connection(id);
    return false;
  }
  give_back(id, connection, step == TlsSession::Handshake::want_write ? std::uint32_t{EPOLLOUT} : 0);
  return false;
}

void Reactor::give_back(std::uint64_t id, Connection& connection, std::uint32_t events) {
  std::lock_guard lock(mutex_);
  connection.busy = false;
  connection.last_active = Clock::now();
  arm(connection.fd, id, EPOLL_CTL_MOD, events);
}

void Reactor::close_connection(std::uint64_t id) {
  std::shared_ptr<StreamingConnection> streaming;
  {
    std::lock_guard lock(mutex_);
    const auto it = connections_.find(id);
    if (it == connections_.end()) return;
    streaming = it->second->streaming;
  }
  if (streaming) streaming->end();  // closed to writes before the descriptor can be reused
  std::lock_guard lock(mutex_);
  const auto it = connections_.find(id);
  if (it == connections_.end()) return;
  ::close(it->second->fd);  // also leaves the epoll set
  connections_.erase(it);
  if (listener_paused_ && Clock::now() >= accept_paused_until_ && !stopping_) {
    listener_paused_ = false;
    arm(listen_fd_, kListenerId, EPOLL_CTL_MOD);
  }
}

void Reactor::sweep() {
  const auto now = Clock::now();
  std::lock_guard lock(mutex_);
  for (auto it = connections_.begin(); it != connections_.end();) {
    const auto& connection = it->second;
    if (connection->streaming) {
      connection->streaming->keep_alive(now);  // never idle-closed: the application ends it
      ++it;
    } else if (!connection->busy && connection->deadline && now >= *connection->deadline) {
      arm_at_once(connection->fd, it->first);  // a request that came too late: answered 408 now
      ++it;
    } else if (!connection->busy && !connection->deadline && now - connection->last_active > options_.idle_timeout &&
               !has_unread_bytes(connection->fd)) {
      ::close(connection->fd);
      it = connections_.erase(it);
    } else {
      ++it;
    }
  }
  if (listener_paused_ && now >= accept_paused_until_ && connections_.size() < options_.max_connections) {
    listener_paused_ = false;
    arm(listen_fd_, kListenerId, EPOLL_CTL_MOD);
  }
}

}  // namespace mcph::http::detail
