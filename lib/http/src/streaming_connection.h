#pragma once
// A connection whose answer is a stream (Response::stream): the application writes chunks from
// any thread; the reactor's workers see to the rest, each time the connection wakes them: they
// drop what the client sends (nothing is expected), notice when it leaves, and send what the
// socket would not take at once. Nothing ever waits for the client: bytes the socket does not
// take wait in a buffer, and a client that lets it grow past kMaxBacklog is cut off.
//
// The descriptor is only ever closed by the reactor, after end() (under this object's lock), so
// a write never reaches a descriptor that was closed and reused. Every use of the connection's
// stream (TLS reads and writes included) happens under that lock.
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <mutex>
#include <string>
#include <vector>

#include "mcph/http/message.h"

namespace mcph::http::detail {

class ConnectionStream;

class StreamingConnection : public ResponseStream {
 public:
  static constexpr std::size_t kMaxBacklog = 1024 * 1024;
  // Re-arms the connection in the epoll set: for reading, and for writing too when asked.
  using Arm = std::function<void(bool writable_too)>;

  // stream null: a stream closed from the start (HEAD, a head that could not be sent).
  StreamingConnection(int fd, ConnectionStream* stream, Arm arm, const StreamStart& start);

  bool write(std::string_view bytes) override;
  void close() override;
  bool closed() const override;
  void on_closed(std::function<void()> callback) override;

  // For the reactor. ready(): a worker woke for the connection; false when the stream is over
  // and the connection is to be closed. rearm(): back to the epoll set, asking for writability
  // while bytes wait. keep_alive(): writes the keep-alive bytes when nothing went for the
  // interval. end(): the connection is about to be closed (the server stops, or it is over).
  bool ready();
  void rearm();
  void keep_alive(std::chrono::steady_clock::time_point now);
  void end();

 private:
  using Callbacks = std::vector<std::function<void()>>;
  // Under the lock: queues and sends what the socket takes; false when the connection failed
  // or the backlog grew past the bound.
  bool send_locked(std::string bytes);
  // Under the lock: marks the stream closed (the last chunk first when `finish`) and hands back
  // the callbacks to run once the lock is released.
  Callbacks shut_locked(bool finish);
  static void run(const Callbacks& callbacks);

  const int fd_;
  ConnectionStream* const stream_;
  const Arm arm_;
  const std::string keep_alive_bytes_;
  const std::chrono::steady_clock::duration keep_alive_interval_;

  mutable std::mutex mutex_;
  bool closed_;
  std::string backlog_;
  std::chrono::steady_clock::time_point last_write_;
  Callbacks callbacks_;
};

}  // namespace mcph::http::detail
