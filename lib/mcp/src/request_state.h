#pragma once
// The requestState of a multi-round-trip request (2026-07-28 basic/patterns/mrtr): the server's
// memory of a call that asked for input, carried by the client to the retry. The client is free
// to alter it, so it is sealed: a payload naming the caller (the authenticated subject), an
// expiry and the originating request (method, tool and a digest of its arguments), and an
// HMAC-SHA256 of that payload under a key only the server holds. A retry's state is taken only
// when its MAC verifies, its subject is the retry's caller, it has not expired and the retry is
// the same request — and only once: the seal remembers each state it took (by the random id in
// its payload) until the state expires, since nothing in the state itself can stop a client from
// sending it twice. That memory is this process's: replicas sharing a key do not share it.
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <mutex>
#include <optional>
#include <string>
#include <unordered_map>

#include <nlohmann/json.hpp>

namespace mcph::mcp::detail {

// The request a state belongs to: tools/call of `tool` with `arguments`.
struct StateBinding {
  std::string method;
  std::string tool;
  nlohmann::json arguments;
};

// UNSAFE relaxations, only for the harness's sabotage tests (ServerOptions names them).
struct StateLeniency {
  bool mac_unchecked = false;        // the payload is taken whatever its MAC
  bool principal_unchecked = false;  // any caller may present another's state
  bool expiry_unchecked = false;     // an expired state is taken
  bool request_unchecked = false;    // a state is taken on any request
  bool reuse_unchecked = false;      // a state is taken again after it was used
};

class RequestStateSeal {
 public:
  // An empty key draws a random one: states then live only as long as this server.
  // `max_unexpired_taken`: how many taken states it remembers at most; beyond that, while none
  // has expired, a retry is refused rather than a state forgotten.
  RequestStateSeal(std::string key, std::chrono::milliseconds ttl, std::size_t max_unexpired_taken = 100000);

  std::string mint(const std::string& subject, const StateBinding& binding) const;
  // Takes `state` for this caller and request, once; or says why it is refused. Safe to call
  // from several threads.
  std::optional<std::string> take(const std::string& state, const std::string& subject, const StateBinding& binding,
                                  const StateLeniency& leniency = {}) const;

 private:
  std::string mac(const std::string& payload) const;
  // Why the state with this id, good until `expires_ms`, cannot be taken now; records it taken.
  std::optional<std::string> spend(const std::string& id, std::int64_t expires_ms) const;
  std::string key_;
  std::chrono::milliseconds ttl_;
  std::size_t max_unexpired_taken_;
  mutable std::mutex taken_mutex_;
  mutable std::unordered_map<std::string, std::int64_t> taken_;  // a taken state's id → its expiry (ms)
};

}  // namespace mcph::mcp::detail
