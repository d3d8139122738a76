#include "connection_server.h"

#include <arpa/inet.h>
#include <netdb.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <charconv>
#include <chrono>
#include <cstring>

namespace mcph::http {
namespace {

thread_local std::string t_extension_method;

constexpr std::size_t kChunk = 16 * 1024;
// What cpp-httplib 0.11 parses itself (Server::parse_request_line).
const char* const kHttplibMethods[] = {"GET", "HEAD", "POST", "PUT", "DELETE", "CONNECT", "OPTIONS", "TRACE", "PATCH", "PRI"};
// Longer than any method worth taking; a request line whose first word is longer goes to
// cpp-httplib unchanged (and gets its 400).
constexpr std::size_t kLongestMethod = 32;

// RFC 9110 §5.6.2: a method is a token.
bool is_token(const std::string& word) {
  if (word.empty()) return false;
  for (const char c : word) {
    const bool alnum = (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
    if (!alnum && std::strchr("!#$%&'*+-.^_`|~", c) == nullptr) return false;
  }
  return true;
}

bool is_extension_method(const std::string& word) {
  if (!is_token(word)) return false;
  for (const char* known : kHttplibMethods) {
    if (word == known) return false;
  }
  return true;
}

int poll_ms(time_t sec, time_t usec) { return static_cast<int>(sec * 1000 + usec / 1000); }

// Polls one socket for `events`; > 0 ready, 0 timed out, < 0 error.
int poll_socket(socket_t sock, short events, int timeout_ms) {
  pollfd fd{sock, events, 0};
  int ready = 0;
  do {
    ready = ::poll(&fd, 1, timeout_ms);
  } while (ready < 0 && errno == EINTR);
  return ready;
}

void address_of(socket_t sock, bool peer, std::string& ip, int& port) {
  sockaddr_storage address{};
  socklen_t length = sizeof address;
  const int rc = peer ? ::getpeername(sock, reinterpret_cast<sockaddr*>(&address), &length)
                      : ::getsockname(sock, reinterpret_cast<sockaddr*>(&address), &length);
  if (rc != 0) return;
  char host[NI_MAXHOST];
  char service[NI_MAXSERV];
  if (::getnameinfo(reinterpret_cast<sockaddr*>(&address), length, host, sizeof host, service, sizeof service,
                    NI_NUMERICHOST | NI_NUMERICSERV) == 0) {
    ip = host;
    port = std::atoi(service);
  }
}

// One connection, read through a buffer that outlives each request (so pipelined bytes are
// kept), with cpp-httplib's timeouts. At the start of a request it may look at the method and
// rewrite an extension method to GET.
class ConnectionStream : public httplib::Stream {
 public:
  // `listening` is the server's socket, INVALID_SOCKET once it stops.
  ConnectionStream(socket_t sock, const std::atomic<socket_t>& listening, bool extension_methods, int read_timeout_ms,
                   int write_timeout_ms)
      : sock_(sock),
        listening_(listening),
        extension_methods_(extension_methods),
        read_timeout_ms_(read_timeout_ms),
        write_timeout_ms_(write_timeout_ms) {}

  // Until the next request's first byte (true), or the keep-alive time ends, the peer hangs up
  // or the server stops (false).
  bool wait_for_request(time_t keep_alive_sec) const {
    return buffered() > 0 || wait_readable(static_cast<int>(keep_alive_sec * 1000));
  }

  void begin_request() {
    t_extension_method.clear();
    at_request_start_ = true;
  }

  bool is_readable() const override { return buffered() > 0 || wait_readable(read_timeout_ms_); }

  bool is_writable() const override {
    if (poll_socket(sock_, POLLOUT, write_timeout_ms_) <= 0) return false;
    // Alive unless readable at EOF (cpp-httplib's is_socket_alive).
    if (poll_socket(sock_, POLLIN, 0) == 0) return true;
    char byte = 0;
    return ::recv(sock_, &byte, 1, MSG_PEEK) > 0;
  }

  ssize_t read(char* out, size_t size) override {
    if (at_request_start_) {
      at_request_start_ = false;
      if (extension_methods_) rewrite_extension_method();
    }
    if (buffered() == 0) {
      const ssize_t got = fill();
      if (got <= 0) return got;
    }
    const std::size_t n = std::min(size, buffered());
    std::memcpy(out, buffer_.data() + position_, n);
    position_ += n;
    return static_cast<ssize_t>(n);
  }

  ssize_t write(const char* data, size_t size) override {
    if (!is_writable()) return -1;
    ssize_t sent = 0;
    do {
      sent = ::send(sock_, data, size, MSG_NOSIGNAL);
    } while (sent < 0 && errno == EINTR);
    return sent;
  }

  void get_remote_ip_and_port(std::string& ip, int& port) const override { address_of(sock_, true, ip, port); }
  void get_local_ip_and_port(std::string& ip, int& port) const override { address_of(sock_, false, ip, port); }
  socket_t socket() const override { return sock_; }

 private:
  std::size_t buffered() const { return buffer_.size() - position_; }

  // Waits for the socket to be readable (or at EOF) in short slices, so that a stopping server
  // does not wait for a quiet client's timeout (cpp-httplib's own stream would).
  bool wait_readable(int timeout_ms) const {
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::milliseconds(timeout_ms);
    while (listening_ != INVALID_SOCKET) {
      const int ready = poll_socket(sock_, POLLIN, 10);
      if (ready != 0) return ready > 0;
      if (std::chrono::steady_clock::now() >= deadline) return false;
    }
    return false;
  }

  // Reads what the socket has (up to kChunk) after the buffered bytes: > 0 bytes read, 0 at
  // EOF, -1 on a timeout or error.
  ssize_t fill() {
    if (!wait_readable(read_timeout_ms_)) return -1;
    if (position_ == buffer_.size()) {
      buffer_.clear();
      position_ = 0;
    }
    const std::size_t old_size = buffer_.size();
    buffer_.resize(old_size + kChunk);
    ssize_t got = 0;
    do {
      got = ::recv(sock_, buffer_.data() + old_size, kChunk, 0);
    } while (got < 0 && errno == EINTR);
    buffer_.resize(old_size + static_cast<std::size_t>(std::max<ssize_t>(got, 0)));
    return got;
  }

  void rewrite_extension_method() {
    auto first_word_end = [this] { return buffer_.find_first_of(" \r\n", position_); };
    while (first_word_end() == std::string::npos && buffered() <= kLongestMethod) {
      if (fill() <= 0) return;  // cpp-httplib's own read sees the same end or timeout
    }
    const std::size_t end = first_word_end();
    if (end == std::string::npos || buffer_[end] != ' ') return;
    std::string method = buffer_.substr(position_, end - position_);
    if (!is_extension_method(method)) return;
    buffer_.replace(position_, end - position_, "GET");
    t_extension_method = std::move(method);
  }

  socket_t sock_;
  const std::atomic<socket_t>& listening_;
  bool extension_methods_;
  int read_timeout_ms_;
  int write_timeout_ms_;
  std::string buffer_;
  std::size_t position_ = 0;
  bool at_request_start_ = false;
};

bool declares_a_body(const httplib::Request& request) {
  if (request.has_header("Transfer-Encoding")) return true;
  const std::string length = request.get_header_value("Content-Length");
  if (length.empty()) return false;
  unsigned long long value = 0;
  const auto [end, error] = std::from_chars(length.data(), length.data() + length.size(), value);
  const bool parsed = error == std::errc{} && end == length.data() + length.size();
  return !parsed || value > 0;  // an unreadable length: assume the worst
}

}  // namespace

const std::string& ConnectionServer::current_extension_method() { return t_extension_method; }

bool ConnectionServer::process_and_close_socket(socket_t sock) {
  ConnectionStream stream(sock, svr_sock_, extension_methods_, poll_ms(read_timeout_sec_, read_timeout_usec_),
                          poll_ms(write_timeout_sec_, write_timeout_usec_));
  bool ok = false;
  for (std::size_t left = keep_alive_max_count_; left > 0 && stream.wait_for_request(keep_alive_timeout_sec_);
       --left) {
    bool connection_closed = false;
    bool parsed = false;
    stream.begin_request();
    ok = process_request(stream, left == 1, connection_closed, [&](httplib::Request& request) {
      parsed = true;
      // No length and not chunked: an empty body (cpp-httplib would read until the client closes).
      if (!request.has_header("Content-Length") && !request.has_header("Transfer-Encoding")) {
        request.set_header("Content-Length", "0");
      }
      // cpp-httplib reads no body for GET: a body sent with an extension method would be read
      // as the next request, so this one is the connection's last.
      if (!t_extension_method.empty() && declares_a_body(request)) {
        connection_closed = true;
        request.headers.erase("Connection");
        request.set_header("Connection", "close");
      }
    });
    t_extension_method.clear();
    // Unparsed (cpp-httplib answered 400 or 414 without reading the headers): what follows on
    // the connection is not a request.
    if (!ok || connection_closed || !parsed) break;
  }
  ::shutdown(sock, SHUT_RDWR);
  ::close(sock);
  return ok;
}

}  // namespace mcph::http
