#pragma once
// One proxied connection: the client's socket, the upstream's, and a Link per direction. A
// Link is a reader thread (bytes in, timestamped, into a bounded queue) and a writer thread
// (each piece through the direction's toxic chain, then out). Any end — a close by either
// side, a toxic closing or resetting, the proxy stopping — closes the whole connection, as
// Toxiproxy does.
#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <deque>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <random>
#include <string>
#include <thread>

#include "proxy.h"

namespace mcph::harness::faults::detail {

using Clock = std::chrono::steady_clock;

class Connection;

class Link {
 public:
  Link(Connection& connection, Proxy& proxy, Stream stream, int source, int dest, std::size_t max_buffered);
  void read_loop();
  void write_loop();
  void wake();  // the chain changed or the connection is closing

 private:
  struct Piece {
    std::string data;
    Clock::time_point timestamp;
    bool end = false;  // the source closed
  };
  // What one toxic keeps for this connection.
  struct ToxicState {
    bool active = false;  // drawn from the toxicity
    double drawn_for = -1;  // the toxicity it was drawn for (an update draws again)
    Clock::time_point since{};  // the toxic met this connection
    std::optional<Clock::time_point> reset_at;  // reset_peer: armed by the first data
    std::int64_t bytes_sent = 0;                 // limit_data
    Clock::duration bandwidth_debt{};            // bandwidth: time owed to the rate
  };

  bool refresh_chain();  // takes the latest chain; true when it changed
  std::optional<Clock::time_point> next_timer() const;
  bool fire_timers();    // false when a timer closed the connection
  // Passes a piece through toxics [index, end) then writes it. False when the connection ends.
  bool pass(Piece piece, std::size_t index);
  bool write_out(const std::string& data);
  // Waits until `until` or a change of the chain (then returns true early, as Toxiproxy lets
  // held data go on when a toxic is removed or changed); false when the connection closes.
  bool hold_until(Clock::time_point until);

  Connection& connection_;
  Proxy& proxy_;
  const Stream stream_;
  const int source_, dest_;
  const std::size_t max_buffered_;

  std::mutex mutex_;
  std::condition_variable changed_;
  std::deque<Piece> queue_;
  std::size_t buffered_ = 0;
  bool ended_ = false;  // the reader saw the end
  bool woken_ = false;  // the chain changed (or the connection closes) since the writer looked

  // Writer thread only.
  std::shared_ptr<const Chain> chain_;
  std::map<std::uint64_t, ToxicState> states_;
  std::mt19937_64 random_{std::random_device{}()};
};

class Connection : public std::enable_shared_from_this<Connection> {
 public:
  Connection(Proxy& proxy, int client_fd, Address upstream, const FaultLimits& limits);
  ~Connection();  // joins the threads, closes the sockets

  void start();  // connects upstream, then runs both links (on threads of their own)
  // Ends the connection: both sockets shut (reset: abortively, the peers see a TCP RST).
  void close(bool reset);
  bool closing() const;
  void chain_changed(Stream stream);
  bool finished() const;  // every thread has ended
  void join();

 private:
  friend class Link;
  void run();
  void thread_done();

  void close_sockets_locked();

  Proxy& proxy_;
  int client_fd_;
  int upstream_fd_ = -1;
  const Address upstream_;
  const FaultLimits limits_;

  mutable std::mutex mutex_;  // sockets, threads, links; never taken while a Link's mutex is held
  std::atomic<bool> closing_{false};
  int running_threads_ = 0;
  std::unique_ptr<Link> links_[2];  // by Stream
  std::thread threads_[5];          // setup, and a reader and a writer per link
};

}  // namespace mcph::harness::faults::detail
