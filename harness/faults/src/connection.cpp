#include "connection.h"

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>

namespace mcph::harness::faults::detail {
namespace {

constexpr std::size_t kReadSize = 32 * 1024;
constexpr auto kConnectTimeout = std::chrono::seconds(5);
constexpr auto kPoll = std::chrono::milliseconds(100);  // how often a blocked send looks at `closing`

// A non-blocking connect to a loopback address, waited for up to kConnectTimeout.
int connect_to(const Address& address) {
  const int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
  if (fd < 0) return -1;
  sockaddr_in target{};
  target.sin_family = AF_INET;
  target.sin_port = htons(static_cast<std::uint16_t>(address.port));
  ::inet_pton(AF_INET, address.host == "localhost" ? "127.0.0.1" : address.host.c_str(), &target.sin_addr);
  if (::connect(fd, reinterpret_cast<sockaddr*>(&target), sizeof target) != 0) {
    pollfd entry{fd, POLLOUT, 0};
    int error = errno;
    if (error == EINPROGRESS &&
        ::poll(&entry, 1, static_cast<int>(std::chrono::milliseconds(kConnectTimeout).count())) == 1) {
      socklen_t length = sizeof error;
      ::getsockopt(fd, SOL_SOCKET, SO_ERROR, &error, &length);
    } else if (error == EINPROGRESS) {
      error = ETIMEDOUT;
    }
    if (error != 0) {
      ::close(fd);
      return -1;
    }
  }
  ::fcntl(fd, F_SETFL, ::fcntl(fd, F_GETFL) & ~O_NONBLOCK);
  const int one = 1;
  ::setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
  return fd;
}

}  // namespace

// ---- Link -------------------------------------------------------------------------------------

Link::Link(Connection& connection, Proxy& proxy, Stream stream, int source, int dest, std::size_t max_buffered)
    : connection_(connection), proxy_(proxy), stream_(stream), source_(source), dest_(dest), max_buffered_(max_buffered) {}

void Link::wake() {
  {
    std::lock_guard lock(mutex_);
    woken_ = true;
  }
  changed_.notify_all();
}

void Link::read_loop() {
  std::string buffer(kReadSize, '\0');
  for (;;) {
    const ssize_t n = ::recv(source_, buffer.data(), buffer.size(), 0);
    if (n < 0 && errno == EINTR) continue;
    std::unique_lock lock(mutex_);
    if (n <= 0) {  // the source closed (or was reset, or the connection is closing)
      queue_.push_back(Piece{{}, Clock::now(), true});
      ended_ = true;
      changed_.notify_all();
      return;
    }
    queue_.push_back(Piece{buffer.substr(0, static_cast<std::size_t>(n)), Clock::now(), false});
    buffered_ += static_cast<std::size_t>(n);
    changed_.notify_all();
    // Bounded: past the limit the reader waits, and the sender meets TCP back-pressure.
    changed_.wait(lock, [&] { return buffered_ < max_buffered_ || connection_.closing(); });
    if (connection_.closing()) return;
  }
}

bool Link::refresh_chain() {
  auto latest = proxy_.chain(stream_);
  if (chain_ && latest->version == chain_->version) return false;
  chain_ = std::move(latest);
  const auto now = Clock::now();
  std::map<std::uint64_t, ToxicState> kept;
  for (const auto& entry : chain_->entries) {
    ToxicState state = states_.count(entry.id) ? states_[entry.id] : ToxicState{};
    if (state.drawn_for < 0) state.since = now;
    if (state.drawn_for != entry.toxic.toxicity) {
      // Toxiproxy draws whether a toxic applies each time it (re)starts on a connection.
      state.active = std::uniform_real_distribution<double>(0, 1)(random_) < entry.toxic.toxicity;
      state.drawn_for = entry.toxic.toxicity;
    }
    kept.emplace(entry.id, state);
  }
  states_ = std::move(kept);
  return true;
}

std::optional<Clock::time_point> Link::next_timer() const {
  std::optional<Clock::time_point> next;
  auto consider = [&](Clock::time_point at) { next = next ? std::min(*next, at) : at; };
  for (const auto& entry : chain_->entries) {
    const ToxicState& state = states_.at(entry.id);
    if (!state.active) continue;
    if (const auto* timeout = std::get_if<Timeout>(&entry.toxic.attributes); timeout && timeout->timeout > 0) {
      consider(state.since + std::chrono::milliseconds(timeout->timeout));
    }
    if (state.reset_at) consider(*state.reset_at);
  }
  return next;
}

bool Link::fire_timers() {
  const auto now = Clock::now();
  for (const auto& entry : chain_->entries) {
    const ToxicState& state = states_.at(entry.id);
    if (!state.active) continue;
    if (const auto* timeout = std::get_if<Timeout>(&entry.toxic.attributes);
        timeout && timeout->timeout > 0 && now >= state.since + std::chrono::milliseconds(timeout->timeout)) {
      connection_.close(false);
      return false;
    }
    if (state.reset_at && now >= *state.reset_at) {
      connection_.close(true);
      return false;
    }
  }
  return true;
}

void Link::write_loop() {
  refresh_chain();
  for (;;) {
    std::optional<Piece> piece;
    {
      std::unique_lock lock(mutex_);
      const auto ready = [&] { return !queue_.empty() || woken_ || connection_.closing(); };
      if (const auto timer = next_timer()) {
        changed_.wait_until(lock, *timer, ready);
      } else {
        changed_.wait(lock, ready);
      }
      woken_ = false;
      if (connection_.closing()) return;
      if (!queue_.empty()) {
        piece = std::move(queue_.front());
        queue_.pop_front();
        buffered_ -= piece->data.size();
        changed_.notify_all();  // the reader may go on
      }
    }
    refresh_chain();
    if (!fire_timers()) return;
    if (piece && !pass(std::move(*piece), 0)) return;
  }
}

bool Link::hold_until(Clock::time_point until) {
  std::unique_lock lock(mutex_);
  changed_.wait_until(lock, until, [&] { return connection_.closing() || woken_; });
  return !connection_.closing();
}

bool Link::write_out(const std::string& data) {
  std::size_t sent = 0;
  while (sent < data.size()) {
    if (connection_.closing()) return false;
    pollfd entry{dest_, POLLOUT, 0};
    const int ready = ::poll(&entry, 1, static_cast<int>(kPoll.count()));
    if (ready == 0 || (ready < 0 && errno == EINTR)) continue;
    const ssize_t n = ready > 0 ? ::send(dest_, data.data() + sent, data.size() - sent, MSG_NOSIGNAL | MSG_DONTWAIT) : -1;
    if (n > 0) {
      sent += static_cast<std::size_t>(n);
    } else if (n < 0 && (errno == EAGAIN || errno == EINTR)) {
      continue;
    } else {
      connection_.close(false);
      return false;
    }
  }
  return true;
}

bool Link::pass(Piece piece, std::size_t index) {
  if (index == chain_->entries.size()) {
    if (piece.end) {
      connection_.close(false);
      return false;
    }
    return write_out(piece.data);
  }
  const ChainEntry& entry = chain_->entries[index];
  ToxicState& state = states_.at(entry.id);
  if (!state.active) return pass(std::move(piece), index + 1);
  return std::visit(
      [&](const auto& toxic) -> bool {
        using T = std::decay_t<decltype(toxic)>;
        if constexpr (std::is_same_v<T, Latency>) {
          if (piece.end) return pass(std::move(piece), index + 1);
          std::int64_t delay = toxic.latency;
          if (toxic.jitter > 0) delay += std::uniform_int_distribution<std::int64_t>(-toxic.jitter, toxic.jitter - 1)(random_);
          piece.timestamp += std::chrono::milliseconds(std::max<std::int64_t>(delay, 0));
          if (!hold_until(piece.timestamp)) return false;
          return pass(std::move(piece), index + 1);
        } else if constexpr (std::is_same_v<T, Bandwidth>) {
          if (piece.end || toxic.rate <= 0) return pass(std::move(piece), index + 1);
          // rate KB/s is rate bytes per ms; a piece over 100 ms worth goes out in 100 ms slices.
          const std::size_t per_100ms = static_cast<std::size_t>(toxic.rate) * 100;
          state.bandwidth_debt += std::chrono::microseconds(static_cast<std::int64_t>(piece.data.size()) * 1000 / toxic.rate);
          while (piece.data.size() > per_100ms) {
            if (!hold_until(Clock::now() + std::chrono::milliseconds(100))) return false;
            if (!pass(Piece{piece.data.substr(0, per_100ms), piece.timestamp, false}, index + 1)) return false;
            piece.data.erase(0, per_100ms);
            state.bandwidth_debt -= std::chrono::milliseconds(100);
          }
          const auto start = Clock::now();
          if (!hold_until(start + state.bandwidth_debt)) return false;
          state.bandwidth_debt -= Clock::now() - start;
          return pass(std::move(piece), index + 1);
        } else if constexpr (std::is_same_v<T, Slicer>) {
          if (piece.end) return pass(std::move(piece), index + 1);
          std::size_t offset = 0;
          while (offset < piece.data.size()) {
            std::int64_t size = toxic.average_size;
            if (toxic.size_variation > 0) {
              size += std::uniform_int_distribution<std::int64_t>(-toxic.size_variation, toxic.size_variation - 1)(random_);
            }
            const std::size_t take = std::min(piece.data.size() - offset, static_cast<std::size_t>(std::max<std::int64_t>(size, 1)));
            if (!pass(Piece{piece.data.substr(offset, take), piece.timestamp, false}, index + 1)) return false;
            offset += take;
            if (offset < piece.data.size() && !hold_until(Clock::now() + std::chrono::microseconds(toxic.delay))) return false;
          }
          return true;
        } else if constexpr (std::is_same_v<T, Timeout>) {
          // Data is dropped; the end of the source closes the connection; the timer closes it.
          if (piece.end) return pass(std::move(piece), chain_->entries.size());
          return true;
        } else if constexpr (std::is_same_v<T, ResetPeer>) {
          // The first data arms the reset; data from then on is dropped.
          if (!state.reset_at) state.reset_at = Clock::now() + std::chrono::milliseconds(toxic.timeout);
          if (toxic.timeout == 0) {
            connection_.close(true);
            return false;
          }
          return true;
        } else if constexpr (std::is_same_v<T, SlowClose>) {
          if (piece.end && !hold_until(Clock::now() + std::chrono::milliseconds(toxic.delay))) return false;
          return pass(std::move(piece), index + 1);
        } else if constexpr (std::is_same_v<T, LimitData>) {
          if (piece.end) return pass(std::move(piece), index + 1);
          const std::int64_t left = toxic.bytes - state.bytes_sent;
          if (left < static_cast<std::int64_t>(piece.data.size())) piece.data.resize(static_cast<std::size_t>(std::max<std::int64_t>(left, 0)));
          state.bytes_sent += static_cast<std::int64_t>(piece.data.size());
          if (!piece.data.empty() && !pass(std::move(piece), index + 1)) return false;
          if (state.bytes_sent >= toxic.bytes) {
            connection_.close(false);
            return false;
          }
          return true;
        } else {
          static_assert(every_toxic_handled<T>, "every toxic type is handled");
        }
      },
      entry.toxic.attributes);
}

// ---- Connection -------------------------------------------------------------------------------

Connection::Connection(Proxy& proxy, int client_fd, Address upstream, const FaultLimits& limits)
    : proxy_(proxy), client_fd_(client_fd), upstream_(std::move(upstream)), limits_(limits) {}

Connection::~Connection() {
  join();
  std::lock_guard lock(mutex_);
  close_sockets_locked();
}

void Connection::close_sockets_locked() {
  for (int* fd : {&client_fd_, &upstream_fd_}) {
    if (*fd >= 0) ::close(*fd);
    *fd = -1;
  }
}

void Connection::start() {
  std::lock_guard lock(mutex_);
  ++running_threads_;
  threads_[0] = std::thread([self = shared_from_this()] { self->run(); });
}

void Connection::run() {
  const int upstream = connect_to(upstream_);
  {
    std::lock_guard lock(mutex_);
    if (upstream < 0 || closing_) {
      // Toxiproxy closes the client when the upstream cannot be reached.
      if (upstream >= 0) ::close(upstream);
      closing_ = true;
      ::shutdown(client_fd_, SHUT_RDWR);
    } else {
      // A Stream indexes links_: upstream 0, downstream 1.
      static_assert(static_cast<int>(Stream::upstream) == 0 && static_cast<int>(Stream::downstream) == 1);
      upstream_fd_ = upstream;
      links_[0] = std::make_unique<Link>(*this, proxy_, Stream::upstream, client_fd_, upstream_fd_, limits_.max_buffered_bytes);
      links_[1] = std::make_unique<Link>(*this, proxy_, Stream::downstream, upstream_fd_, client_fd_, limits_.max_buffered_bytes);
      auto self = shared_from_this();
      running_threads_ += 4;
      threads_[1] = std::thread([self] { self->links_[0]->read_loop(); self->thread_done(); });
      threads_[2] = std::thread([self] { self->links_[0]->write_loop(); self->thread_done(); });
      threads_[3] = std::thread([self] { self->links_[1]->read_loop(); self->thread_done(); });
      threads_[4] = std::thread([self] { self->links_[1]->write_loop(); self->thread_done(); });
    }
  }
  thread_done();
}

void Connection::thread_done() {
  std::lock_guard lock(mutex_);
  // The last one out closes the sockets: the peers see the FIN, or the RST, now.
  if (--running_threads_ == 0) close_sockets_locked();
}

bool Connection::closing() const { return closing_; }

bool Connection::finished() const {
  std::lock_guard lock(mutex_);
  return running_threads_ == 0;
}

void Connection::close(bool reset) {
  Link* links[2] = {nullptr, nullptr};
  {
    std::lock_guard lock(mutex_);
    if (closing_.exchange(true)) return;
    for (int fd : {client_fd_, upstream_fd_}) {
      if (fd < 0) continue;
      if (reset) {
        // Closing with a zero linger sends RST instead of FIN; until then no FIN goes out.
        const linger abort{1, 0};
        ::setsockopt(fd, SOL_SOCKET, SO_LINGER, &abort, sizeof abort);
        ::shutdown(fd, SHUT_RD);
      } else {
        ::shutdown(fd, SHUT_RDWR);
      }
    }
    links[0] = links_[0].get();
    links[1] = links_[1].get();
  }
  for (Link* link : links) {
    if (link) link->wake();
  }
}

void Connection::chain_changed(Stream stream) {
  Link* link = nullptr;
  {
    std::lock_guard lock(mutex_);
    link = links_[static_cast<int>(stream)].get();
  }
  if (link) link->wake();
}

void Connection::join() {
  if (threads_[0].joinable() && threads_[0].get_id() != std::this_thread::get_id()) threads_[0].join();
  for (int i = 1; i < 5; ++i) {
    if (threads_[i].joinable() && threads_[i].get_id() != std::this_thread::get_id()) threads_[i].join();
  }
}

}  // namespace mcph::harness::faults::detail
