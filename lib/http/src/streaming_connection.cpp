#include "streaming_connection.h"

#include <sys/socket.h>

#include <utility>

#include "connection_stream.h"
#include "request_gathering.h"
#include "response_wire.h"

namespace mcph::http::detail {

StreamingConnection::StreamingConnection(int fd, ConnectionStream* stream, Arm arm, const StreamStart& start)
    : fd_(fd),
      stream_(stream),
      arm_(std::move(arm)),
      keep_alive_bytes_(start.keep_alive),
      keep_alive_interval_(start.keep_alive_interval),
      closed_(stream == nullptr),
      last_write_(std::chrono::steady_clock::now()) {}

bool StreamingConnection::write(std::string_view bytes) {
  if (bytes.empty()) return !closed();
  Callbacks callbacks;
  bool sent = false;
  {
    std::lock_guard lock(mutex_);
    if (closed_) return false;
    const bool was_waiting = !backlog_.empty();
    sent = send_locked(wire_chunk(bytes));
    if (!sent) {
      callbacks = shut_locked(false);
    } else if (!was_waiting && !backlog_.empty()) {
      arm_(true);  // the socket is full: a worker sends the rest when it drains
    }
  }
  run(callbacks);
  return sent;
}

void StreamingConnection::close() {
  Callbacks callbacks;
  {
    std::lock_guard lock(mutex_);
    if (closed_) return;
    callbacks = shut_locked(true);
  }
  run(callbacks);
}

bool StreamingConnection::closed() const {
  std::lock_guard lock(mutex_);
  return closed_;
}

void StreamingConnection::on_closed(std::function<void()> callback) {
  {
    std::lock_guard lock(mutex_);
    if (!closed_) {
      callbacks_.push_back(std::move(callback));
      return;
    }
  }
  callback();
}

bool StreamingConnection::ready() {
  Callbacks callbacks;
  {
    std::lock_guard lock(mutex_);
    if (closed_) return false;
    const bool open = stream_->receive_available(kMaxReadAheadBytes);
    stream_->consume(stream_->pending().size());  // a client sends nothing on a stream it reads
    if (open && send_locked({})) return true;
    callbacks = shut_locked(false);
  }
  run(callbacks);
  return false;
}

void StreamingConnection::rearm() {
  std::lock_guard lock(mutex_);
  arm_(!backlog_.empty());
}

void StreamingConnection::keep_alive(std::chrono::steady_clock::time_point now) {
  if (keep_alive_bytes_.empty()) return;
  {
    std::lock_guard lock(mutex_);
    if (closed_ || now - last_write_ < keep_alive_interval_) return;
  }
  write(keep_alive_bytes_);
}

void StreamingConnection::end() {
  Callbacks callbacks;
  {
    std::lock_guard lock(mutex_);
    if (!closed_) callbacks = shut_locked(true);
  }
  run(callbacks);
}

bool StreamingConnection::send_locked(std::string bytes) {
  if (!bytes.empty()) last_write_ = std::chrono::steady_clock::now();
  if (backlog_.empty()) {
    backlog_ = std::move(bytes);
  } else {
    backlog_ += bytes;
  }
  if (backlog_.empty()) return true;
  const ssize_t sent = stream_->send_available(backlog_);
  if (sent < 0) return false;
  backlog_.erase(0, static_cast<std::size_t>(sent));
  return backlog_.size() <= kMaxBacklog;
}

StreamingConnection::Callbacks StreamingConnection::shut_locked(bool finish) {
  closed_ = true;
  if (finish) {
    // The last chunk, as far as the socket takes it now: a client that reads sees the end of
    // the body; one that does not loses the tail, and the close tells it anyway.
    backlog_ += wire_chunk({});
    stream_->send_available(backlog_);
    if (stream_->tls() != nullptr) stream_->tls()->close_notify();
  }
  backlog_.clear();
  // The client sees the end, and the reactor's epoll set reports the connection (both
  // directions shut), so that a worker closes it.
  ::shutdown(fd_, SHUT_RDWR);
  return std::exchange(callbacks_, {});
}

void StreamingConnection::run(const Callbacks& callbacks) {
  for (const auto& callback : callbacks) callback();
}

}  // namespace mcph::http::detail
