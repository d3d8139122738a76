#pragma once
// How the server's connections are served: a fixed pool of worker threads share one epoll set.
// Each worker waits in epoll_wait for one ready connection, takes in what it received without
// waiting, and gives it straight back to the set (EPOLLONESHOT: one worker per connection at a
// time) until a whole request has arrived (request_gathering.h); then it handles the request,
// answers, and gives the connection back. A connection therefore holds a worker only while one
// of its requests is handled and answered, never while the request trickles in or while it
// waits for the next one: a few workers serve any number of open connections, slow or idle, and
// the worker that learns of a whole request is the one that serves it (no hand-off).
//
// Each request must arrive whole within `head_timeout` of its first bytes (its deadline); the
// sweep hands a late one to a worker, which answers it 408 at once.
//
// A connection holds at most the request it is gathering or serving and kMaxReadAheadBytes
// beyond it (request_gathering.h): a client that pipelines more than that, faster than its
// requests are served, has the rest wait in the kernel's socket buffer, and its sends wait in
// turn, until a request is served and the connection reads on.
//
// Over TLS (ReactorOptions::tls), a connection's handshake is advanced the same way, by whichever
// worker its bytes wake, without waiting: it must be done within `head_timeout` of the
// connection, and a client that stalls it holds no worker meanwhile.
//
// A request answered with a stream (Response::stream) turns its connection into a
// StreamingConnection: from then on a worker takes it only when the client sent something or left,
// or when bytes that waited can go; it is never read for requests again, and holds no worker
// while the application writes to it from its own threads. The idle sweep writes its keep-alive
// bytes and never closes it; stop() ends it (its last chunk when the socket takes it).
//
// Bounded: at most `max_connections` open connections (beyond, new ones wait in the listen
// queue until one closes); idle connections closed after `idle_timeout`. stop() closes the
// listening socket and the idle connections, lets requests in progress finish and closes their
// connections after the answer, and joins every thread.
#include <atomic>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <mutex>
#include <optional>
#include <thread>
#include <unordered_map>
#include <vector>

#include "mcph/http/message.h"
#include "mcph/sync/turns.h"
#include "request_gathering.h"

namespace mcph::http::detail {

class ConnectionStream;
class TlsServerContext;

struct ReactorOptions {
  std::size_t workers = 64;
  // Workers that wait for connections and serve them at once; the others wait for a run slot
  // (mcph/http/run_slot.h), and one takes over when a handler gives its slot up to wait on I/O.
  std::size_t runners = 2;
  std::size_t max_connections = 4096;
  std::chrono::milliseconds idle_timeout{60000};
  std::chrono::milliseconds read_timeout{10000};
  std::chrono::milliseconds write_timeout{10000};
  // A request's whole head and body must arrive within this of its first bytes.
  std::chrono::milliseconds head_timeout{10000};
  // A connection is closed after this many requests (the last answer says Connection: close).
  std::size_t max_requests_per_connection = 10000;
  // A request's body at most: a larger one is whole as soon as its head is (it is refused).
  std::size_t max_body_bytes = 1024 * 1024;
  // UNSAFE when false (sabotage): a request is served at its first bytes, not once it is whole.
  bool gather_requests = true;
  // Every connection speaks TLS with this context (the server keeps it alive); null: plain.
  const TlsServerContext* tls = nullptr;
  // Told of each TLS connection closed because its handshake failed or came too late.
  std::function<void(const ConnectionStream&, const std::string& why)> on_handshake_failed;
};

// What serving one request left of the connection.
struct Served {
  bool keep = false;           // it can go on (false: it cannot, or a stream could not start)
  bool client_closes = false;  // the client asked to close it
  // The answer is a stream whose head has been sent (when keep): the connection carries it
  // from now on.
  std::optional<StreamStart> stream;
};
// Reads one request from the stream and answers it. close_connection asks the answer to close
// the connection.
using ServeRequest = std::function<Served(ConnectionStream&, bool close_connection)>;

class Reactor {
 public:
  // listen_fd: a bound, listening socket; the Reactor owns it from now on.
  // Throws std::runtime_error when the kernel refuses an epoll set, eventfd or timerfd.
  Reactor(int listen_fd, ReactorOptions options, ServeRequest serve);
  ~Reactor();
  Reactor(const Reactor&) = delete;
  Reactor& operator=(const Reactor&) = delete;

  void start();  // starts the workers
  // Idempotent; returns once every worker has ended and every socket is closed.
  void stop();

  std::size_t open_connections() const;
  // The most bytes one connection has held received and not yet used, at any moment.
  std::size_t most_buffered_bytes() const { return most_buffered_.load(std::memory_order_relaxed); }

 private:
  struct Connection;
  void work();
  void accept_ready();
  void serve(std::uint64_t id);
  // The request just served was answered with a stream (its head sent when `sent`).
  void start_stream(std::uint64_t id, const std::shared_ptr<Connection>& connection, const StreamStart& start,
                    bool sent);
  // A worker woke for a streaming connection.
  void serve_stream(std::uint64_t id, Connection& connection);
  // Takes in what the connection received; true when a worker should serve it now (a whole
  // request, or one past its deadline), false when it went back to the set or was closed.
  bool gathered(std::uint64_t id, Connection& connection);
  // Reads what the connection received, up to its gathering's read limit, and says how far its
  // bytes are from a whole request. `open` false once the client closed its side.
  Gathering take_in(Connection& connection, bool& open);
  // Advances a TLS connection's handshake without waiting: true once it is done, false when the
  // connection went back to the set (to wait for the client) or was closed.
  bool handshaken(std::uint64_t id, Connection& connection);
  // Back to the set, to be handed out again when the connection is readable (or `events`).
  void give_back(std::uint64_t id, Connection& connection, std::uint32_t events = 0);
  void close_connection(std::uint64_t id);
  void sweep();
  void arm(int fd, std::uint64_t id, int op, std::uint32_t events = 0);
  void arm_at_once(int fd, std::uint64_t id);  // hands the connection to a worker now

  int listen_fd_;
  int epoll_fd_ = -1;
  int stop_fd_ = -1;   // eventfd, written once by stop() and never read: wakes every worker
  int timer_fd_ = -1;  // timerfd: the idle sweep (and a paused listener's retry)
  ReactorOptions options_;
  ServeRequest serve_;
  sync::Turns run_slots_;

  mutable std::mutex mutex_;
  std::unordered_map<std::uint64_t, std::shared_ptr<Connection>> connections_;
  std::uint64_t next_id_ = 3;  // 0, 1, 2 name the listening socket, the eventfd, the timerfd
  bool listener_paused_ = false;
  // After the process ran out of descriptors, accepting waits until then (instead of spinning
  // on a listener that stays readable).
  std::chrono::steady_clock::time_point accept_paused_until_{};
  std::atomic<bool> stopping_{false};
  std::atomic<std::size_t> most_buffered_{0};
  std::once_flag stopped_;

  std::vector<std::thread> workers_;
};

}  // namespace mcph::http::detail
