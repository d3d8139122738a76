#include "connection.h"

#include "mcph/harness/faults/toxic_draws.h"

#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <cerrno>

namespace mcph::harness::faults::detail {
namespace {

constexpr std::size_t kReadSize = 32 * 1024;
constexpr auto kConnectTimeout = std::chrono::seconds(5);
constexpr int kReadsPerPump = 16;  // then the loop serves the other connections

// The loop's thread reads every connection into this one buffer.
thread_local std::array<char, kReadSize> read_buffer;

}  // namespace

// ---- Link -------------------------------------------------------------------------------------

Link::Link(Connection& connection, int source, int dest, std::size_t max_buffered, std::shared_ptr<const Chain> chain,
           Clock::time_point now)
    : connection_(connection), source_(source), dest_(dest), max_buffered_(max_buffered) {
  set_chain(std::move(chain), now);
}

void Link::set_chain(std::shared_ptr<const Chain> chain, Clock::time_point now) {
  if (chain_ && chain->version == chain_->version) return;
  chain_ = std::move(chain);
  std::map<std::uint64_t, ToxicState> kept;
  for (const auto& entry : chain_->entries) {
    ToxicState state = states_.count(entry.id) ? states_[entry.id] : ToxicState{};
    if (state.drawn_for < 0) {
      state.since = now;
      state.draws = toxic_draws(entry.toxic.seed.value_or(0), (*entry.links_met)++);
    }
    if (state.drawn_for != entry.toxic.toxicity) {
      // Toxiproxy draws whether a toxic applies each time it (re)starts on a connection.
      state.active = toxic_applies(entry.toxic.toxicity, state.draws);
      state.drawn_for = entry.toxic.toxicity;
    }
    kept.emplace(entry.id, state);
  }
  states_ = std::move(kept);
  for (Piece& piece : pieces_) piece.ready_at = std::min(piece.ready_at, now);
}

std::optional<Clock::time_point> Link::deadline() const {
  std::optional<Clock::time_point> next;
  auto consider = [&](Clock::time_point at) { next = next ? std::min(*next, at) : at; };
  if (more_) consider(Clock::time_point::min());
  // A due piece waits for the destination (an epoll event), not for a time.
  if (out_done() && !pieces_.empty()) consider(pieces_.front().ready_at);
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

bool Link::fire_timers(Clock::time_point now) {
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

bool Link::pump(Clock::time_point now) {
  if (!fire_timers(now)) return false;
  more_ = false;
  for (int reads = 0;; ++reads) {
    if (!flush()) return false;
    bool moved = false;
    while (out_done() && !pieces_.empty() && pieces_.front().ready_at <= now) {
      if (!step(now) || !flush()) return false;
      moved = true;
    }
    if (reads == kReadsPerPump) {  // the other connections' turn; the loop comes back at once
      more_ = can_read();
      return true;
    }
    const Read got = read(now);
    if (got == Read::nothing && !moved) return !connection_.closed();
  }
}

Link::Read Link::read(Clock::time_point now) {
  if (!can_read() || connection_.closed()) return Read::nothing;
  const ssize_t n = ::recv(source_, read_buffer.data(), read_buffer.size(), MSG_DONTWAIT);
  if (n < 0 && errno == EINTR) return Read::data;  // try again
  if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) {
    source_ready_ = false;
    return Read::nothing;
  }
  if (n <= 0) {  // the source closed, or was reset
    ended_ = true;
    pieces_.push_back(Piece{{}, now, now, 0, nullptr, true, false});
    return Read::end;
  }
  const std::string_view bytes(read_buffer.data(), static_cast<std::size_t>(n));
  buffered_ += bytes.size();
  if (chain_->entries.empty() && pieces_.empty() && out_done()) {
    // Nothing to pass through and nothing before it: straight to the output, no piece made.
    out_.assign(bytes);
    out_offset_ = 0;
    close_after_out_ = false;
  } else {
    pieces_.push_back(Piece{std::string(bytes), now, now, 0, nullptr, false, false});
  }
  return Read::data;
}

bool Link::flush() {
  if (connection_.closed()) return false;
  while (!out_done() && dest_ready_) {
    const ssize_t n = ::send(dest_, out_.data() + out_offset_, out_.size() - out_offset_, MSG_NOSIGNAL | MSG_DONTWAIT);
    if (n > 0) {
      out_offset_ += static_cast<std::size_t>(n);
    } else if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) {
      dest_ready_ = false;
    } else if (!(n < 0 && errno == EINTR)) {
      connection_.close(false);
      return false;
    }
  }
  if (!out_done()) return true;
  buffered_ -= out_.size();
  out_.clear();
  out_offset_ = 0;
  if (close_after_out_) {
    connection_.close(false);
    return false;
  }
  return true;
}

void Link::drop_front() {
  buffered_ -= pieces_.front().data.size();
  pieces_.pop_front();
}

void Link::replace_front(std::deque<Piece> parts) {
  pieces_.pop_front();
  pieces_.insert(pieces_.begin(), std::make_move_iterator(parts.begin()), std::make_move_iterator(parts.end()));
}

bool Link::step(Clock::time_point now) {
  Piece& piece = pieces_.front();
  if (!piece.chain) piece.chain = chain_;
  if (piece.stage >= piece.chain->entries.size()) {
    if (piece.end) {
      connection_.close(false);
      return false;
    }
    out_ = std::move(piece.data);
    out_offset_ = 0;
    close_after_out_ = piece.close_after;
    pieces_.pop_front();
    return true;
  }
  const ChainEntry& entry = piece.chain->entries[piece.stage];
  const auto found = states_.find(entry.id);
  if (found == states_.end() || !found->second.active) {  // not drawn, or removed since
    ++piece.stage;
    return true;
  }
  ToxicState& state = found->second;
  // Cuts the piece into parts of at most `size(i)` bytes, the i-th going on at `at(i)`; the
  // last part keeps the piece's close_after.
  const auto cut = [&](auto size, auto at) {
    std::deque<Piece> parts;
    for (std::size_t offset = 0, i = 0; offset < piece.data.size(); ++i) {
      const std::size_t take = std::min(piece.data.size() - offset, size(i));
      parts.push_back(Piece{piece.data.substr(offset, take), piece.timestamp, at(i, offset + take), piece.stage + 1,
                            piece.chain, false, false});
      offset += take;
    }
    parts.back().close_after = piece.close_after;
    replace_front(std::move(parts));
  };
  return std::visit(
      [&](const auto& toxic) -> bool {
        using T = std::decay_t<decltype(toxic)>;
        if constexpr (std::is_same_v<T, Latency>) {
          if (!piece.end) {
            piece.timestamp += std::chrono::milliseconds(latency_delay(toxic, state.draws));
            piece.ready_at = piece.timestamp;
          }
          ++piece.stage;
        } else if constexpr (std::is_same_v<T, Bandwidth>) {
          if (piece.end || toxic.rate <= 0 || piece.data.empty()) {
            ++piece.stage;
            return true;
          }
          // rate KB/s is rate bytes per ms. Each part goes on once the rate has carried it; a
          // piece over 100 ms worth goes in 100 ms parts, as Toxiproxy sends it.
          const Clock::time_point start = std::max(now, state.free_at);
          const auto carried = [&](std::size_t bytes) {
            return start + std::chrono::microseconds(static_cast<std::int64_t>(bytes) * 1000 / toxic.rate);
          };
          state.free_at = carried(piece.data.size());
          cut([&](std::size_t) { return static_cast<std::size_t>(toxic.rate) * 100; },
              [&](std::size_t, std::size_t through) { return carried(through); });
        } else if constexpr (std::is_same_v<T, Slicer>) {
          if (piece.end || piece.data.empty()) {
            ++piece.stage;
            return true;
          }
          cut(
              [&](std::size_t) { return static_cast<std::size_t>(slice_size(toxic, state.draws)); },
              [&](std::size_t i, std::size_t) {
                return now + std::chrono::microseconds(toxic.delay * static_cast<std::int64_t>(i));
              });
        } else if constexpr (std::is_same_v<T, Timeout>) {
          // Data is dropped; the end of the source closes the connection; the timer closes it.
          if (piece.end) {
            piece.stage = piece.chain->entries.size();
          } else {
            drop_front();
          }
        } else if constexpr (std::is_same_v<T, ResetPeer>) {
          // The first data arms the reset; data from then on is dropped.
          if (!state.reset_at) state.reset_at = now + std::chrono::milliseconds(toxic.timeout);
          if (toxic.timeout == 0) {
            connection_.close(true);
            return false;
          }
          drop_front();
        } else if constexpr (std::is_same_v<T, SlowClose>) {
          if (piece.end) piece.ready_at = now + std::chrono::milliseconds(toxic.delay);
          ++piece.stage;
        } else if constexpr (std::is_same_v<T, LimitData>) {
          if (piece.end) {
            ++piece.stage;
            return true;
          }
          const std::int64_t left = std::max<std::int64_t>(toxic.bytes - state.bytes_sent, 0);
          if (left < static_cast<std::int64_t>(piece.data.size())) {
            buffered_ -= piece.data.size() - static_cast<std::size_t>(left);
            piece.data.resize(static_cast<std::size_t>(left));
          }
          state.bytes_sent += static_cast<std::int64_t>(piece.data.size());
          if (state.bytes_sent >= toxic.bytes) piece.close_after = true;
          if (piece.data.empty()) {
            if (piece.close_after) {
              connection_.close(false);
              return false;
            }
            drop_front();
          } else {
            ++piece.stage;
          }
        } else {
          static_assert(every_toxic_handled<T>, "every toxic type is handled");
        }
        return true;
      },
      entry.toxic.attributes);
}

// ---- Connection -------------------------------------------------------------------------------

Connection::Connection(int client_fd, const FaultLimits& limits, const std::shared_ptr<const Chain> chains[2])
    : client_fd_(client_fd), limits_(limits), chains_{chains[0], chains[1]} {}

Connection::~Connection() { close(false); }

bool Connection::start_connect(const Address& upstream, Clock::time_point now) {
  upstream_fd_ = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
  const sockaddr_in target = upstream.socket_address();
  if (upstream_fd_ >= 0 && ::connect(upstream_fd_, reinterpret_cast<const sockaddr*>(&target), sizeof target) == 0) {
    connected(now);
    return !closed_;
  }
  if (upstream_fd_ >= 0 && errno == EINPROGRESS) {
    connecting_ = true;
    connect_deadline_ = now + kConnectTimeout;
    return true;
  }
  close(false);
  return false;
}

void Connection::connected(Clock::time_point now) {
  connecting_ = false;
  const int one = 1;
  ::setsockopt(upstream_fd_, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
  // A Stream indexes links_ and chains_: upstream 0, downstream 1.
  static_assert(static_cast<int>(Stream::upstream) == 0 && static_cast<int>(Stream::downstream) == 1);
  links_[0].emplace(*this, client_fd_, upstream_fd_, limits_.max_buffered_bytes, chains_[0], now);
  links_[1].emplace(*this, upstream_fd_, client_fd_, limits_.max_buffered_bytes, chains_[1], now);
  // Edge-triggered: what arrived while connecting raised no event we acted on.
  links_[0]->source_ready();
  links_[1]->source_ready();
  pump(now);
}

void Connection::on_events(bool upstream_side, std::uint32_t events, Clock::time_point now) {
  if (closed_) return;
  if (connecting_) {
    if (!upstream_side || !(events & (EPOLLOUT | EPOLLERR | EPOLLHUP))) return;
    int error = 0;
    socklen_t length = sizeof error;
    ::getsockopt(upstream_fd_, SOL_SOCKET, SO_ERROR, &error, &length);
    if (error != 0) {
      close(false);  // Toxiproxy closes the client when the upstream cannot be reached
      return;
    }
    connected(now);
    return;
  }
  // The socket is the source of one link and the destination of the other.
  Link& reading = *links_[upstream_side ? 1 : 0];
  Link& writing = *links_[upstream_side ? 0 : 1];
  if (events & (EPOLLIN | EPOLLRDHUP | EPOLLERR | EPOLLHUP)) reading.source_ready();
  if (events & (EPOLLOUT | EPOLLERR | EPOLLHUP)) writing.dest_ready();
  pump(now);
}

void Connection::on_time(Clock::time_point now) {
  if (closed_) return;
  if (connecting_) {
    if (now >= connect_deadline_) close(false);
    return;
  }
  pump(now);
}

void Connection::pump(Clock::time_point now) {
  for (auto& link : links_) {
    if (closed_ || !link->pump(now)) return;
  }
}

void Connection::set_chains(const std::shared_ptr<const Chain> chains[2], Clock::time_point now) {
  chains_[0] = chains[0];
  chains_[1] = chains[1];
  if (closed_ || connecting_ || !links_[0]) return;
  links_[0]->set_chain(chains[0], now);
  links_[1]->set_chain(chains[1], now);
  pump(now);
}

std::optional<Clock::time_point> Connection::deadline() const {
  if (closed_) return std::nullopt;
  if (connecting_) return connect_deadline_;
  std::optional<Clock::time_point> next;
  for (const auto& link : links_) {
    if (!link) continue;
    if (const auto at = link->deadline()) next = next ? std::min(*next, *at) : *at;
  }
  return next;
}

void Connection::close(bool reset) {
  if (closed_) return;
  closed_ = true;
  for (int* fd : {&client_fd_, &upstream_fd_}) {
    if (*fd < 0) continue;
    if (reset) {
      // Closing with a zero linger sends RST instead of FIN.
      const linger abort{1, 0};
      ::setsockopt(*fd, SOL_SOCKET, SO_LINGER, &abort, sizeof abort);
    } else {
      ::shutdown(*fd, SHUT_RDWR);
    }
    ::close(*fd);  // also takes it out of the loop's epoll set
    *fd = -1;
  }
}

}  // namespace mcph::harness::faults::detail
