#pragma once
// A fault proxy on Toxiproxy's model (Shopify/toxiproxy): named TCP proxies, each listening on
// a loopback port and forwarding every connection to its upstream, with toxics added, changed
// and removed at run time. A toxic acts on one direction of every connection through its proxy
// — upstream (client → server) or downstream (server → client, the default) — and applies to a
// connection with probability `toxicity` (drawn per connection, from the toxic's seed). Toxics chain in the order
// they were added. The types and their attributes are Toxiproxy's:
//   latency     each piece of data is held `latency` ms ± `jitter` ms (from when it was read)
//   bandwidth   at most `rate` KB/s
//   slicer      data cut into pieces of `average_size` ± `size_variation` bytes, `delay` µs apart
//   timeout     data is dropped; after `timeout` ms the connection is closed (0: never)
//   reset_peer  on the first data, after `timeout` ms, the connection is reset (TCP RST)
//   slow_close  the close of the connection is passed on `delay` ms late
//   limit_data  the connection is closed once `bytes` bytes went through
// and a proxy that is disabled ("down") refuses connections and has closed the open ones.
// Removing or changing a toxic lets data it holds go on at once, as Toxiproxy does.
//
// Bounded: connections per proxy, toxics per proxy, bytes buffered per connection (a reader
// waits, which the sender sees as TCP back-pressure). Only loopback addresses. Everything
// stops cleanly: removing a proxy, or destroying the FaultProxy, closes its connections and
// joins its threads. mcp-fault-proxy serves this over Toxiproxy's HTTP API (fault_api.h).
#include <cstdint>
#include <memory>
#include <optional>
#include <stdexcept>
#include <string>
#include <variant>
#include <vector>

namespace mcph::harness::faults {

enum class Stream { upstream, downstream };

struct Latency {
  std::int64_t latency = 0;  // ms
  std::int64_t jitter = 0;   // ms
};
struct Bandwidth {
  std::int64_t rate = 0;  // KB/s; 0 = unlimited
};
struct Slicer {
  std::int64_t average_size = 0;    // bytes
  std::int64_t size_variation = 0;  // bytes, less than average_size
  std::int64_t delay = 0;           // µs between pieces
};
struct Timeout {
  std::int64_t timeout = 0;  // ms; 0 = never closed
};
struct ResetPeer {
  std::int64_t timeout = 0;  // ms
};
struct SlowClose {
  std::int64_t delay = 0;  // ms
};
struct LimitData {
  std::int64_t bytes = 0;
};
using ToxicAttributes = std::variant<Latency, Bandwidth, Slicer, Timeout, ResetPeer, SlowClose, LimitData>;
// For visitors of ToxicAttributes: `else static_assert(every_toxic_handled<T>)` fails to compile
// when a toxic type is added and a visitor forgets it.
template <class T>
inline constexpr bool every_toxic_handled = false;

// "latency", "bandwidth", …; and back (nullopt for an unknown type).
std::string type_of(const ToxicAttributes& attributes);
std::optional<ToxicAttributes> attributes_of_type(const std::string& type);

struct Toxic {
  std::string name;  // empty when adding: "<type>_<stream>", as Toxiproxy names it
  ToxicAttributes attributes;
  Stream stream = Stream::downstream;
  double toxicity = 1.0;  // 0..1
  // What its draws (toxicity, jitter, size_variation) come from: the n-th connection it meets
  // draws from derive(seed, "link n"), so a seed repeats them. None when adding: one drawn.
  std::optional<std::uint64_t> seed;
};

struct ProxyInfo {
  std::string name;
  std::string listen;    // host:port it listens on (the bound port once enabled)
  std::string upstream;  // host:port
  bool enabled = true;
  std::vector<Toxic> toxics;  // upstream ones first, each stream in chain order
};

// A refused operation with Toxiproxy's HTTP status and message ("proxy not found", 404;
// "toxic already exists", 409; "bad request body: …", 400; …).
class FaultError : public std::runtime_error {
 public:
  FaultError(int status, const std::string& message) : std::runtime_error(message), status_(status) {}
  int status() const { return status_; }

 private:
  int status_;
};

struct FaultLimits {
  std::size_t max_proxies = 256;
  std::size_t max_toxics_per_proxy = 32;
  std::size_t max_connections_per_proxy = 1024;
  std::size_t max_buffered_bytes = 1024 * 1024;  // per direction of a connection
};

class FaultProxy {
 public:
  explicit FaultProxy(FaultLimits limits = {});
  ~FaultProxy();  // stops every proxy
  FaultProxy(const FaultProxy&) = delete;
  FaultProxy& operator=(const FaultProxy&) = delete;

  // listen: "127.0.0.1:PORT", "localhost:PORT" (PORT 0 or empty: any free port); upstream:
  // a loopback host:port. Throws FaultError (400 missing or non-loopback address, 409 name
  // taken, 500 cannot listen).
  ProxyInfo create(const std::string& name, const std::string& listen, const std::string& upstream,
                   bool enabled = true);
  // Any of listen/upstream/enabled; a new address restarts the proxy. enabled = false is the
  // "down" fault. Throws FaultError (404, 400, 500).
  ProxyInfo update(const std::string& name, const std::optional<std::string>& listen,
                   const std::optional<std::string>& upstream, std::optional<bool> enabled);
  void remove(const std::string& name);  // 404 when unknown
  ProxyInfo get(const std::string& name) const;
  std::vector<ProxyInfo> list() const;

  Toxic add_toxic(const std::string& proxy, Toxic toxic);  // 404, 400 invalid attributes, 409
  Toxic update_toxic(const std::string& proxy, const std::string& toxic, const std::optional<ToxicAttributes>& attributes,
                     std::optional<double> toxicity);
  void remove_toxic(const std::string& proxy, const std::string& toxic);
  Toxic get_toxic(const std::string& proxy, const std::string& toxic) const;

  // Every proxy enabled again and every toxic removed (Toxiproxy's POST /reset).
  void reset();

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace mcph::harness::faults
