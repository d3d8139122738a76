#pragma once
// One proxied connection, driven by its proxy's event loop (proxy_loop.cpp): the client's
// socket, the upstream's, and a Link per direction. Nothing here blocks or has a thread of its
// own. A Link reads its source while it has room, passes each piece through its direction's
// toxic chain — a toxic that holds data gives the piece the time it may go on at — and writes
// what is due as fast as the destination takes it. Any end — a close by either side, a toxic
// closing or resetting, the proxy stopping — closes the whole connection, as Toxiproxy does.
//
// Why a loop and not a reader and a writer thread per direction (the first design): at 64
// connections that was over 300 threads, every hop a handoff between two of them, and with the
// CPU saturated the scheduler kept runnable threads of the servers waiting for seconds.
#include <chrono>
#include <cstdint>
#include <deque>
#include <map>
#include <memory>
#include <optional>
#include <string>

#include "mcph/seed/seeded_random.h"
#include "proxy.h"

namespace mcph::harness::faults::detail {

using Clock = std::chrono::steady_clock;

class Connection;

class Link {
 public:
  Link(Connection& connection, int source, int dest, std::size_t max_buffered,
       std::shared_ptr<const Chain> chain, Clock::time_point now);
  // A new version of the chain. Data a toxic holds goes on now, as Toxiproxy lets held data go
  // on when a toxic is removed or changed.
  void set_chain(std::shared_ptr<const Chain> chain, Clock::time_point now);
  void source_ready() { source_ready_ = true; }
  void dest_ready() { dest_ready_ = true; }
  // Fires due timers, reads what there is room for, passes what is due, writes what the
  // destination takes. False when the connection has ended.
  bool pump(Clock::time_point now);
  // When pump() has something to do without the sockets: a held piece or a toxic's timer.
  std::optional<Clock::time_point> deadline() const;

 private:
  struct Piece {
    std::string data;
    Clock::time_point timestamp;  // when it was read (latency adds to it)
    Clock::time_point ready_at;   // held until then
    std::size_t stage = 0;        // the index of the next toxic in `chain`
    std::shared_ptr<const Chain> chain;  // the chain it started through (a piece keeps it)
    bool end = false;          // the source closed
    bool close_after = false;  // limit_data: the connection closes once this is written
  };
  // What one toxic keeps for this connection.
  struct ToxicState {
    seed::Draws draws{0};  // this connection's direction's draws: from the toxic's seed
    bool active = false;  // drawn from the toxicity
    double drawn_for = -1;  // the toxicity it was drawn for (an update draws again)
    Clock::time_point since{};  // the toxic met this connection
    std::optional<Clock::time_point> reset_at;  // reset_peer: armed by the first data
    std::int64_t bytes_sent = 0;                 // limit_data
    Clock::time_point free_at{};                 // bandwidth: when the rate allows more
  };
  enum class Read { nothing, data, end };

  bool fire_timers(Clock::time_point now);  // false when a timer closed the connection
  Read read(Clock::time_point now);
  bool step(Clock::time_point now);  // the head piece through one stage; false when it ended
  bool flush();                      // writes `out_`; false when the connection ended
  bool out_done() const { return out_offset_ == out_.size(); }
  bool can_read() const { return source_ready_ && !ended_ && buffered_ < max_buffered_; }
  void replace_front(std::deque<Piece> parts);
  void drop_front();

  Connection& connection_;
  const int source_, dest_;
  const std::size_t max_buffered_;

  std::shared_ptr<const Chain> chain_;
  std::map<std::uint64_t, ToxicState> states_;
  std::deque<Piece> pieces_;
  std::string out_;  // being written
  std::size_t out_offset_ = 0;
  bool close_after_out_ = false;
  std::size_t buffered_ = 0;  // bytes in pieces_ and out_: reading stops at max_buffered_
  bool ended_ = false;        // the source ended
  bool source_ready_ = false;  // may have bytes (edge-triggered: until recv says EAGAIN)
  bool dest_ready_ = true;     // may take bytes (until send says EAGAIN)
  bool more_ = false;          // pump() stopped reading with more to read
};

class Connection {
 public:
  Connection(int client_fd, const FaultLimits& limits, const std::shared_ptr<const Chain> chains[2]);
  ~Connection();  // closes what is still open
  Connection(const Connection&) = delete;
  Connection& operator=(const Connection&) = delete;

  // Starts connecting to the upstream without waiting; false when that failed at once (the
  // client is closed, as Toxiproxy closes it when the upstream cannot be reached).
  bool start_connect(const Address& upstream, Clock::time_point now);
  int client_fd() const { return client_fd_; }
  int upstream_fd() const { return upstream_fd_; }
  // The loop's report of epoll events on one of the two sockets.
  void on_events(bool upstream_side, std::uint32_t events, Clock::time_point now);
  void on_time(Clock::time_point now);  // at or after deadline()
  void set_chains(const std::shared_ptr<const Chain> chains[2], Clock::time_point now);
  std::optional<Clock::time_point> deadline() const;
  // Ends the connection: both sockets closed (reset: abortively, the peers see a TCP RST).
  void close(bool reset);
  bool closed() const { return closed_; }

 private:
  void connected(Clock::time_point now);
  void pump(Clock::time_point now);

  int client_fd_;
  int upstream_fd_ = -1;
  const FaultLimits limits_;
  bool closed_ = false;
  bool connecting_ = false;
  Clock::time_point connect_deadline_{};
  std::shared_ptr<const Chain> chains_[2];
  std::optional<Link> links_[2];  // by Stream, once connected
};

}  // namespace mcph::harness::faults::detail
