#include "connection_stream.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <utility>

#include "mcph/http/run_slot.h"

namespace mcph::http::detail {
namespace {

constexpr std::size_t kChunk = 16 * 1024;
// What cpp-httplib 0.11 parses itself (Server::parse_request_line).
const char* const kHttplibMethods[] = {"GET", "HEAD", "POST", "PUT", "DELETE", "CONNECT", "OPTIONS", "TRACE", "PATCH", "PRI"};
// Longer than any method worth taking; a request line whose first word is longer goes to
// cpp-httplib unchanged (and gets its 400).
constexpr std::size_t kLongestMethod = 32;

thread_local std::string t_extension_method;
thread_local std::optional<HeadProblem> t_head_problem;

// A response head (cpp-httplib writes it whole, first) that announces a body of known length.
bool announces_body(std::string_view head) {
  if (head.substr(0, 7) != "HTTP/1." || head.size() < 4 || head.substr(head.size() - 4) != "\r\n\r\n") return false;
  constexpr std::string_view kField = "\r\nContent-Length: ";
  const std::size_t at = head.find(kField);
  if (at == std::string_view::npos) return false;
  const std::size_t value = at + kField.size();
  return value < head.size() && head[value] >= '1' && head[value] <= '9';  // no leading zeros: > 0
}

bool is_extension_method(const std::string& word) {
  if (!is_token(word)) return false;
  return std::none_of(std::begin(kHttplibMethods), std::end(kHttplibMethods),
                      [&](const char* known) { return word == known; });
}

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

}  // namespace

const std::string& current_extension_method() { return t_extension_method; }
const std::optional<HeadProblem>& current_head_problem() { return t_head_problem; }

ConnectionStream::ConnectionStream(int fd, std::chrono::milliseconds read_timeout,
                                   std::chrono::milliseconds write_timeout, std::chrono::milliseconds head_timeout)
    : fd_(fd), read_timeout_(read_timeout), write_timeout_(write_timeout), head_timeout_(head_timeout) {
  sockaddr_storage address{};
  socklen_t length = sizeof address;
  if (::getpeername(fd_, reinterpret_cast<sockaddr*>(&address), &length) == 0) {
    address_of(address, remote_ip_, remote_port_);
  }
  length = sizeof address;
  if (::getsockname(fd_, reinterpret_cast<sockaddr*>(&address), &length) == 0) {
    address_of(address, local_ip_, local_port_);
  }
}

void ConnectionStream::begin_request(bool extension_methods) {
  t_extension_method.clear();
  t_head_problem.reset();
  check_method_ = extension_methods;
  answer_started_ = false;
  held_head_.clear();
  read_head();
}

void ConnectionStream::read_head() {
  using Clock = std::chrono::steady_clock;
  const auto deadline = Clock::now() + head_timeout_;
  for (;;) {
    const std::string_view pending = std::string_view(buffer_).substr(position_);
    if (const std::size_t end = head_end(pending); end != std::string_view::npos) {
      if (auto problem = head_problem(pending.substr(0, end))) {
        refuse_head(end, std::move(*problem));
      } else if (pending.substr(0, end).find('%') != std::string_view::npos) {
        buffer_.replace(position_, end, keep_field_values_verbatim(pending.substr(0, end)));
      }
      return;
    }
    if (pending.size() > kMaxHeadBytes) {
      refuse_head(pending.size(), {431, "request header fields too large (over " + std::to_string(kMaxHeadBytes) + " bytes)"});
      return;
    }
    const auto left = std::chrono::ceil<std::chrono::milliseconds>(deadline - Clock::now());
    const ssize_t got = left.count() > 0 ? fill(std::min(read_timeout_, left)) : -1;
    if (got == 0) return;  // the client closed: cpp-httplib reads the same end
    if (got < 0) {
      // When the deadline bounded this wait, the head is late (or the connection failed): a
      // head begun is answered 408 (RFC 9110 §15.5.9). Else the read timeout passed, as
      // cpp-httplib's own read will find.
      if (left <= read_timeout_ && position_ < buffer_.size()) {
        refuse_head(buffer_.size() - position_, {408, "the request head did not arrive within " +
                                                          std::to_string(head_timeout_.count()) + " ms"});
      }
      return;
    }
  }
}

void ConnectionStream::refuse_head(std::size_t head_size, HeadProblem problem) {
  // The request line, when it is clean, so that the error path and the access log see the
  // method and path; otherwise a line cpp-httplib refuses by itself.
  const std::string head = buffer_.substr(position_, head_size);
  const std::size_t line_end = head.find("\r\n");
  const bool clean_line = line_end != std::string::npos && head.find_first_of(std::string("\r\n\0", 3)) == line_end;
  buffer_ = (clean_line ? head.substr(0, line_end) : std::string("BAD")) + "\r\n";
  position_ = 0;
  ended_ = true;
  t_head_problem = std::move(problem);
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

bool ConnectionStream::is_readable() const { return has_buffered_bytes() || wait(POLLIN, read_timeout_); }

bool ConnectionStream::is_writable() const { return wait(POLLOUT, write_timeout_); }

ssize_t ConnectionStream::fill(std::chrono::milliseconds timeout) {
  if (ended_) return -1;
  if (position_ == buffer_.size()) {
    buffer_.clear();
    position_ = 0;
  }
  const std::size_t old_size = buffer_.size();
  buffer_.resize(old_size + kChunk);
  ssize_t got = -1;
  for (;;) {
    got = ::recv(fd_, buffer_.data() + old_size, kChunk, 0);
    if (got >= 0) break;
    if (errno == EINTR) continue;
    if (errno != EAGAIN && errno != EWOULDBLOCK) break;
    if (!wait(POLLIN, timeout)) break;  // timed out
  }
  buffer_.resize(old_size + static_cast<std::size_t>(std::max<ssize_t>(got, 0)));
  return got;
}

ssize_t ConnectionStream::read(char* ptr, size_t size) {
  if (check_method_) {
    check_method_ = false;
    rewrite_extension_method();
  }
  if (!has_buffered_bytes()) {
    const ssize_t got = fill(read_timeout_);
    if (got <= 0) return got;  // 0: the client closed the connection
  }
  const std::size_t n = std::min(size, buffer_.size() - position_);
  std::memcpy(ptr, buffer_.data() + position_, n);
  position_ += n;
  return static_cast<ssize_t>(n);
}

void ConnectionStream::rewrite_extension_method() {
  auto first_word_end = [this] { return buffer_.find_first_of(" \r\n", position_); };
  while (first_word_end() == std::string::npos && buffer_.size() - position_ <= kLongestMethod) {
    if (fill(read_timeout_) <= 0) return;  // cpp-httplib's own read sees the same end or timeout
  }
  const std::size_t end = first_word_end();
  if (end == std::string::npos || buffer_[end] != ' ') return;
  std::string method = buffer_.substr(position_, end - position_);
  if (!is_extension_method(method)) return;
  buffer_.replace(position_, end - position_, "GET");
  t_extension_method = std::move(method);
}

ssize_t ConnectionStream::write(const char* ptr, size_t size) {
  const std::string_view bytes(ptr, size);
  if (!std::exchange(answer_started_, true) && announces_body(bytes)) {
    held_head_.assign(bytes);
    return static_cast<ssize_t>(size);
  }
  if (!held_head_.empty()) {
    held_head_.append(bytes);
    const bool sent = send_all(held_head_);
    held_head_.clear();
    return sent ? static_cast<ssize_t>(size) : -1;
  }
  return send_all(bytes) ? static_cast<ssize_t>(size) : -1;
}

bool ConnectionStream::end_response() {
  if (held_head_.empty()) return true;
  const bool sent = send_all(held_head_);
  held_head_.clear();
  return sent;
}

bool ConnectionStream::send_all(std::string_view bytes) {
  std::size_t written = 0;
  while (written < bytes.size()) {
    const ssize_t n = ::send(fd_, bytes.data() + written, bytes.size() - written, MSG_NOSIGNAL);
    if (n > 0) {
      written += static_cast<std::size_t>(n);
      continue;
    }
    if (n < 0 && errno == EINTR) continue;
    if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK) && wait(POLLOUT, write_timeout_)) continue;
    return false;  // reset, or the client stopped reading for longer than the write timeout
  }
  return true;
}

void ConnectionStream::get_remote_ip_and_port(std::string& ip, int& port) const {
  ip = remote_ip_;
  port = remote_port_;
}

void ConnectionStream::get_local_ip_and_port(std::string& ip, int& port) const {
  ip = local_ip_;
  port = local_port_;
}

}  // namespace mcph::http::detail
