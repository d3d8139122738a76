#include "connection_stream.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>

#include <algorithm>
#include <cerrno>

#include "mcph/http/run_slot.h"

namespace mcph::http::detail {
namespace {

constexpr std::size_t kChunk = 16 * 1024;

void address_of(const sockaddr_storage& address, std::string& ip, int& port) {
  char text[INET6_ADDRSTRLEN] = {};
  if (address.ss_family == AF_INET) {
    const auto* in = reinterpret_cast<const sockaddr_in*>(&address);
    ::inet_ntop(AF_INET, &in->sin_addr, text, sizeof text);
    port = ntohs(in->sin_port);
  } else if (address.ss_family == AF_INET6) {
    const auto* in6 = reinterpret_cast<const sockaddr_in6*>(&address);
    ::inet_ntop(AF_INET6, &in6->sin6_addr, text, sizeof text);
    port = ntohs(in6->sin6_port);
  }
  ip = text;
}

void raise_to(std::atomic<std::size_t>& peak, std::size_t value) {
  std::size_t seen = peak.load(std::memory_order_relaxed);
  while (value > seen && !peak.compare_exchange_weak(seen, value, std::memory_order_relaxed)) {
  }
}

}  // namespace

ConnectionStream::ConnectionStream(int fd, std::chrono::milliseconds read_timeout,
                                   std::chrono::milliseconds write_timeout, std::chrono::milliseconds head_timeout)
    : fd_(fd), read_timeout_(read_timeout), write_timeout_(write_timeout), head_timeout_(head_timeout) {
  sockaddr_storage address{};
  socklen_t length = sizeof address;
  if (::getpeername(fd_, reinterpret_cast<sockaddr*>(&address), &length) == 0) {
    address_of(address, remote_ip_, remote_port_);
  }
}

ConnectionStream::~ConnectionStream() = default;

ConnectionStream::HeadRead ConnectionStream::read_head() {
  using Clock = std::chrono::steady_clock;
  const auto deadline = deadline_.value_or(Clock::now() + head_timeout_);
  HeadRead read;
  for (;;) {
    const std::string_view waiting = pending();
    if (const std::size_t end = head_end(waiting); end != std::string_view::npos) {
      read.outcome = HeadRead::Outcome::head;
      read.head.assign(waiting.substr(0, end));
      consume(end);
      return read;
    }
    if (waiting.size() > kMaxHeadBytes) {
      read.outcome = HeadRead::Outcome::refused;
      read.problem = {431, "over " + std::to_string(kMaxHeadBytes) + " bytes"};
      return read;
    }
    const auto left = std::chrono::ceil<std::chrono::milliseconds>(deadline - Clock::now());
    const ssize_t got = left.count() > 0 ? fill(std::min(read_timeout_, left)) : -1;
    if (got == 0) return read;  // the client closed
    if (got < 0) {
      // When the deadline bounded this wait, the head is late (or the connection failed): a
      // head begun is answered 408 (RFC 9110 §15.5.9). Else the read timeout passed.
      if (left <= read_timeout_ && has_buffered_bytes()) {
        read.outcome = HeadRead::Outcome::refused;
        read.problem = {408, "the request did not arrive within " + std::to_string(head_timeout_.count()) + " ms"};
      }
      return read;
    }
  }
}

bool ConnectionStream::wait(short events, std::chrono::milliseconds timeout) const {
  pollfd entry{fd_, events, 0};
  if (::poll(&entry, 1, 0) > 0) return true;
  release_run_slot();  // a slow client: another request runs meanwhile
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  for (;;) {
    const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - std::chrono::steady_clock::now());
    const int ready = ::poll(&entry, 1, static_cast<int>(std::max<long long>(left.count(), 0)));
    if (ready > 0) return true;  // readable, writable, or an error the next call reports
    if (ready == 0) return false;
    if (errno != EINTR) return false;
  }
}

ssize_t ConnectionStream::fill() { return fill(read_wait()); }

std::chrono::milliseconds ConnectionStream::read_wait() const {
  if (!deadline_) return read_timeout_;
  const auto left = std::chrono::ceil<std::chrono::milliseconds>(*deadline_ - std::chrono::steady_clock::now());
  return std::clamp(left, std::chrono::milliseconds(0), read_timeout_);
}

bool ConnectionStream::receive_available(std::size_t up_to) {
  for (std::size_t taken = 0; taken < up_to;) {
    const ssize_t got = receive_once(std::min(kChunk, up_to - taken));
    if (got > 0) {
      taken += static_cast<std::size_t>(got);
      continue;
    }
    if (got == 0) return false;  // the client closed its side
    if (errno == EINTR) continue;
    return errno == EAGAIN || errno == EWOULDBLOCK;
  }
  return true;
}

ssize_t ConnectionStream::receive_once(std::size_t most) {
  if (position_ == buffer_.size()) {
    buffer_.clear();
    position_ = 0;
  } else if (position_ > kChunk) {
    buffer_.erase(0, position_);  // what was used goes before the buffer grows
    position_ = 0;
  }
  const std::size_t old_size = buffer_.size();
  buffer_.resize(old_size + most);
  const ssize_t got = tls_ ? tls_->read(buffer_.data() + old_size, most)
                           : ::recv(fd_, buffer_.data() + old_size, most, 0);  // the socket does not block
  const int error = errno;
  buffer_.resize(old_size + static_cast<std::size_t>(std::max<ssize_t>(got, 0)));
  if (peak_ != nullptr && got > 0) raise_to(*peak_, buffer_.size() - position_);
  errno = error;
  return got;
}

ssize_t ConnectionStream::fill(std::chrono::milliseconds timeout) {
  for (;;) {
    const ssize_t got = receive_once(kChunk);
    if (got >= 0) return got;
    if (errno == EINTR) continue;
    if (errno != EAGAIN && errno != EWOULDBLOCK) return got;
    if (!wait(awaited(POLLIN), timeout)) return -1;  // timed out
  }
}

void ConnectionStream::drop_unread() {
  constexpr std::size_t kMaxDroppedBytes = 256 * 1024;
  char sink[kChunk];
  for (std::size_t dropped = 0; dropped < kMaxDroppedBytes;) {
    const ssize_t got = ::recv(fd_, sink, sizeof sink, MSG_DONTWAIT);
    if (got > 0) {
      dropped += static_cast<std::size_t>(got);
    } else if (got < 0 && errno == EINTR) {
      continue;
    } else {
      return;
    }
  }
}

void ConnectionStream::linger() {
  constexpr std::size_t kMaxDrainBytes = 64 * 1024 * 1024;
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(1);
  if (tls_) tls_->close_notify();
  ::shutdown(fd_, SHUT_WR);
  buffer_.clear();
  position_ = 0;
  for (std::size_t drained = 0; drained < kMaxDrainBytes;) {
    const auto left = std::chrono::ceil<std::chrono::milliseconds>(deadline - std::chrono::steady_clock::now());
    if (left.count() <= 0) return;
    const ssize_t got = fill(left);
    if (got <= 0) return;  // the client closed too, or went quiet
    drained += static_cast<std::size_t>(got);
    buffer_.clear();
  }
}

ssize_t ConnectionStream::send_available(std::string_view bytes) {
  std::size_t written = 0;
  while (written < bytes.size()) {
    const ssize_t n = tls_ ? tls_->write(bytes.data() + written, bytes.size() - written)
                           : ::send(fd_, bytes.data() + written, bytes.size() - written, MSG_NOSIGNAL | MSG_DONTWAIT);
    if (n > 0) {
      written += static_cast<std::size_t>(n);
      continue;
    }
    if (n < 0 && errno == EINTR) continue;
    if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) break;
    return -1;
  }
  return static_cast<ssize_t>(written);
}

bool ConnectionStream::send(std::string_view bytes) {
  std::size_t written = 0;
  while (written < bytes.size()) {
    const ssize_t n = tls_ ? tls_->write(bytes.data() + written, bytes.size() - written)
                           : ::send(fd_, bytes.data() + written, bytes.size() - written, MSG_NOSIGNAL);
    if (n > 0) {
      written += static_cast<std::size_t>(n);
      continue;
    }
    if (n < 0 && errno == EINTR) continue;
    if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK) && wait(awaited(POLLOUT), write_timeout_)) continue;
    return false;  // reset, or the client stopped reading for longer than the write timeout
  }
  return true;
}

}  // namespace mcph::http::detail
