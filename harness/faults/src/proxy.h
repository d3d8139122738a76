#pragma once
// One named proxy: a loopback listener and its connections, and the toxic chain of each
// direction. One thread runs the proxy's event loop (proxy_loop.cpp): it accepts, connects
// upstream and carries every connection's bytes; the API's calls change the chains and wake it.
#include <netinet/in.h>

#include <atomic>
#include <cstdint>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "mcph/harness/faults/fault_proxy.h"

namespace mcph::harness::faults::detail {

// host:port on loopback. Throws FaultError 400 for anything else.
struct Address {
  std::string host = "127.0.0.1";
  int port = 0;
  static Address parse(const std::string& text, const std::string& field, bool port_required);
  std::string text() const { return host + ":" + std::to_string(port); }
  sockaddr_in socket_address() const;  // for bind() and connect()
};

struct ChainEntry {
  Toxic toxic;
  std::uint64_t id = 0;  // stays across updates; per-connection state is keyed by it
  // How many connections' directions the toxic has met: the next one's draws are the toxic's
  // seed's "link <count>". Shared by every version of the entry.
  std::shared_ptr<std::atomic<std::uint64_t>> links_met = std::make_shared<std::atomic<std::uint64_t>>(0);
};

struct Chain {
  std::vector<ChainEntry> entries;
  std::uint64_t version = 0;  // changes with every add, update and removal
};

class Proxy {
 public:
  Proxy(std::string name, Address listen, Address upstream, const FaultLimits& limits);
  ~Proxy();

  const std::string& name() const { return name_; }
  ProxyInfo info() const;
  // Listens (throws FaultError 500 when it cannot) and runs the loop on a thread of its own.
  void start();
  // Closes the listener and every connection, joins the loop's thread. Idempotent.
  void stop();
  // New addresses take effect at the next start().
  void set_addresses(const Address& listen, const Address& upstream);
  bool enabled() const;
  Address listen_address() const;
  Address upstream_address() const;

  std::shared_ptr<const Chain> chain(Stream stream) const;
  Toxic add_toxic(Toxic toxic);
  Toxic update_toxic(const std::string& name, const std::optional<ToxicAttributes>& attributes,
                     std::optional<double> toxicity);
  void remove_toxic(const std::string& name);
  Toxic get_toxic(const std::string& name) const;
  void remove_all_toxics();

 private:
  void run_loop();  // proxy_loop.cpp
  void publish_locked(Stream stream, std::vector<ChainEntry> entries);
  void chains_changed();  // wakes the loop to hand the new chains to every connection

  const std::string name_;
  const FaultLimits limits_;
  mutable std::mutex mutex_;  // addresses, state, chains
  Address listen_, upstream_;
  bool enabled_ = false;
  std::shared_ptr<const Chain> chains_[2];
  std::uint64_t next_toxic_id_ = 1;
  std::uint64_t next_version_ = 1;

  int listen_fd_ = -1;
  int wake_fd_ = -1;  // eventfd: the loop has something to look at
  int reserve_fd_ = -1;  // while stopped: the listen port, bound but not listening (see stop())
  std::atomic<bool> stopping_{false};
  std::atomic<bool> chains_changed_{false};
  std::thread loop_thread_;
};

}  // namespace mcph::harness::faults::detail
