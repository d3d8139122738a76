#pragma once
// One accepted, non-blocking connection, kept for the connection's whole life, with the bytes it
// has received and not used yet (a pipelined request stays there for the next turn). The
// reactor gathers a request's bytes without waiting (receive_available); reads that do wait
// (a worker's, for what a whole request still lacks) wait with poll() up to their timeouts and
// the request's deadline, never longer, and a wait gives up the worker's run slot
// (mcph/http/run_slot.h) so that another request runs meanwhile.
//
// Over TLS (start_tls), the same reads and writes go through the connection's TlsSession; the
// plain path pays one test of a null pointer for it.
#include <sys/types.h>

#include <atomic>
#include <chrono>
#include <cstddef>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "request_head.h"
#include "tls_session.h"

namespace mcph::http::detail {

class ConnectionStream {
 public:
  ConnectionStream(int fd, std::chrono::milliseconds read_timeout, std::chrono::milliseconds write_timeout,
                   std::chrono::milliseconds head_timeout);
  ~ConnectionStream();
  ConnectionStream(const ConnectionStream&) = delete;
  ConnectionStream& operator=(const ConnectionStream&) = delete;

  // From now on the connection speaks TLS through `session`, its handshake still to be done.
  void start_tls(std::unique_ptr<TlsSession> session) { tls_ = std::move(session); }
  TlsSession* tls() const { return tls_.get(); }
  bool handshaking() const { return tls_ && !tls_->established(); }

  struct HeadRead {
    enum class Outcome {
      head,     // `head` holds the request's whole head, consumed from the stream
      nothing,  // the client closed, or sent nothing within the read timeout: nothing to answer
      refused,  // a head began but came too late (408) or too large (431): `problem`
    } outcome = Outcome::nothing;
    std::string head;
    HeadProblem problem;
  };
  // Reads the next request's head, however it trickles in, within the head timeout.
  HeadRead read_head();

  // Received bytes not used yet, and using them.
  std::string_view pending() const { return std::string_view(buffer_).substr(position_); }
  void consume(std::size_t bytes) { position_ += bytes; }
  bool has_buffered_bytes() const { return position_ < buffer_.size(); }
  // Appends what the socket has to pending(), waiting up to the read timeout and no later than
  // the request's deadline: > 0 bytes read, 0 at EOF, -1 on timeout or error.
  ssize_t fill();
  // Appends what the socket has now to pending(), at most `up_to` bytes, without waiting. False
  // when the client closed its side or the connection failed (what arrived before stays
  // pending). Bytes left unread wait in the kernel's socket buffer for the next call.
  bool receive_available(std::size_t up_to);

  // From now on each read raises `peak` to pending()'s size when it holds more.
  void count_peak_into(std::atomic<std::size_t>& peak) { peak_ = &peak; }

  // The time by which the request being received must have arrived whole (head and body):
  // no read of it waits past this. Unset: the head timeout from when its head is read.
  void set_deadline(std::optional<std::chrono::steady_clock::time_point> deadline) { deadline_ = deadline; }

  // Sends all of `bytes` (false when the connection failed or the client stopped reading for
  // longer than the write timeout).
  bool send(std::string_view bytes);
  // Sends what the socket takes of `bytes` now, without waiting: how many bytes went (0 when it
  // takes none now), or -1 when the connection failed.
  ssize_t send_available(std::string_view bytes);

  // Before closing a connection whose TLS handshake failed: reads and drops, without waiting,
  // what the client sent past the point where the handshake stopped (the rest of its flight,
  // maybe a request). A close with those unread would reset the connection, and the client
  // would lose the alert that says why.
  void drop_unread();

  // Before a close while the client may still be sending (an answer to a request refused before
  // its body was read): sends FIN, then reads and drops what still comes, up to 1 s and 64 MiB,
  // so that the client reads the answer instead of a reset (RFC 9112 §9.6).
  void linger();

  const std::string& remote_ip() const { return remote_ip_; }
  int remote_port() const { return remote_port_; }

 private:
  bool wait(short events, std::chrono::milliseconds timeout) const;
  ssize_t fill(std::chrono::milliseconds timeout);
  // One recv of at most `most` bytes into pending(), without waiting: as recv answers (errno
  // kept for a -1).
  ssize_t receive_once(std::size_t most);
  std::chrono::milliseconds read_wait() const;  // the read timeout, cut short by the deadline
  // What a read or write that would block waits for: TLS may need the other direction.
  short awaited(short plain) const { return tls_ ? tls_->wanted_events() : plain; }

  int fd_;
  std::chrono::milliseconds read_timeout_, write_timeout_, head_timeout_;
  std::optional<std::chrono::steady_clock::time_point> deadline_;
  std::string buffer_;
  std::size_t position_ = 0;
  std::string remote_ip_;
  int remote_port_ = 0;
  std::unique_ptr<TlsSession> tls_;
  std::atomic<std::size_t>* peak_ = nullptr;
};

}  // namespace mcph::http::detail
