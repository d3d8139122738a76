#pragma once
// The requestState of a multi-round-trip request (2026-07-28 basic/patterns/mrtr): the server's
// memory of a call that asked for input, carried by the client to the retry. The client is free
// to alter it, so it is sealed: a payload naming the caller (the authenticated subject), an
// expiry and the originating request (method, tool and a digest of its arguments), and an
// HMAC-SHA256 of that payload under a key only the server holds. A retry's state is taken only
// when its MAC verifies, its subject is the retry's caller, it has not expired and the retry is
// the same request.
#include <chrono>
#include <optional>
#include <string>

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
};

class RequestStateSeal {
 public:
  // An empty key draws a random one: states then live only as long as this server.
  RequestStateSeal(std::string key, std::chrono::milliseconds ttl);

  std::string mint(const std::string& subject, const StateBinding& binding) const;
  // Why `state` is refused for this caller and request; nullopt when it is taken.
  std::optional<std::string> refusal(const std::string& state, const std::string& subject,
                                     const StateBinding& binding, const StateLeniency& leniency = {}) const;

 private:
  std::string mac(const std::string& payload) const;
  std::string key_;
  std::chrono::milliseconds ttl_;
};

}  // namespace mcph::mcp::detail
