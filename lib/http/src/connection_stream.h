#pragma once
// cpp-httplib's Stream over one accepted, non-blocking connection, kept for the connection's
// whole life (httplib's own SocketStream lives for one request, so bytes a client sent ahead —
// a pipelined request — would be lost between requests). Reads and writes wait with poll()
// up to their timeouts, never longer.
//
// Before cpp-httplib reads a request, the stream reads the request's whole head within the head
// timeout (a client trickling its headers holds a worker no longer than that: 408) and checks it
// against RFC 9112 (request_head.h); a head that fails is cut to its request line and the stream
// ends there, so that cpp-httplib answers with its error path, which current_head_problem()
// turns into the precise status.
//
// It also lets a server route methods cpp-httplib (Debian's 0.11) does not know: with extension
// methods on, a request line whose method is such a token (Vault's LIST) is handed to
// cpp-httplib as GET, and current_extension_method() names what the client sent.
#include <httplib.h>

#include <chrono>
#include <cstddef>
#include <optional>
#include <string>

#include "request_head.h"

namespace mcph::http::detail {

class ConnectionStream final : public httplib::Stream {
 public:
  ConnectionStream(int fd, std::chrono::milliseconds read_timeout, std::chrono::milliseconds write_timeout,
                   std::chrono::milliseconds head_timeout);

  // Before each request on the connection: clears current_extension_method(), reads and checks
  // the request's head (current_head_problem()) and, with extension_methods, looks at the
  // method of the request about to be read.
  void begin_request(bool extension_methods);

  bool is_readable() const override;
  bool is_writable() const override;
  ssize_t read(char* ptr, size_t size) override;
  // The head of an answer with a body is held until the body's first write, and both go in one
  // send: one segment, one wakeup of the client and one pass through a proxy instead of two.
  // Nothing else waits: a head without a body, or whose body streams (no Content-Length), and
  // a 100 Continue go at once.
  ssize_t write(const char* ptr, size_t size) override;
  // After each answer: sends a head still held (a HEAD request's answer has no body). False when
  // the connection failed.
  bool end_response();
  void get_remote_ip_and_port(std::string& ip, int& port) const override;
  void get_local_ip_and_port(std::string& ip, int& port) const override;
  // cpp-httplib asks for the descriptor only to refuse, with a 500, one that its own select()
  // could not watch (≥ FD_SETSIZE). This stream polls, so that limit does not apply: it
  // answers -1, which that check lets through, and keeps the real descriptor to itself.
  socket_t socket() const override { return -1; }

  // Bytes received and not read yet (the start of the next request).
  bool has_buffered_bytes() const { return position_ < buffer_.size(); }

 private:
  bool wait(short events, std::chrono::milliseconds timeout) const;
  // Appends what the socket has to the buffer, waiting up to `timeout`: > 0 bytes read, 0 at
  // EOF, -1 on timeout or error (and always -1 once the stream has ended on a bad head).
  ssize_t fill(std::chrono::milliseconds timeout);
  void read_head();
  // Replaces the buffered head by its request line (or a line cpp-httplib refuses) and ends
  // the stream there, with `problem` for the error answer.
  void refuse_head(std::size_t head_size, HeadProblem problem);
  void rewrite_extension_method();
  bool send_all(std::string_view bytes);

  int fd_;
  std::chrono::milliseconds read_timeout_, write_timeout_, head_timeout_;
  bool ended_ = false;  // after a refused head: nothing more is read from this connection
  std::string buffer_;
  std::size_t position_ = 0;
  bool check_method_ = false;
  bool answer_started_ = false;  // the answer to the current request has written something
  std::string held_head_;
  std::string remote_ip_, local_ip_;
  int remote_port_ = 0, local_port_ = 0;
};

// The extension method of the request being handled on the calling thread ("" for the methods
// cpp-httplib knows). Valid from the handler up to the access log of that request.
const std::string& current_extension_method();

// Why the head of the request being handled on the calling thread was refused (nullopt: it
// was not). Valid from the error handler up to the access log of that request.
const std::optional<HeadProblem>& current_head_problem();

}  // namespace mcph::http::detail
