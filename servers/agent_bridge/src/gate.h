#pragma once
// What every request of agent-bridge-mcp passes first: the agent is identified, then charged to
// a rate limit, an identified agent's own budget, anybody else's that of its source address.
#include <chrono>
#include <cstddef>
#include <optional>
#include <string>

#include "mcph/agent_bridge/agent_identity.h"
#include "mcph/broker/rate_limiter.h"
#include "mcph/cli/flags.h"
#include "mcph/http/message.h"

namespace mcph::agent_bridge {

class Gate {
 public:
  Gate(const cli::Flags& flags, IdentitySettings identity);

  struct Admission {
    std::optional<Agent> agent;  // set when admitted
    int status = 200;
    std::string message;
    http::Fields headers;
  };
  Admission admit(const http::Request& request);

  // The further requests of an identified agent's JSON-RPC batch, on its own budget: nullopt, or
  // the Retry-After of a batch beyond it (mcp::ServerOptions::charge_batch).
  std::optional<std::chrono::seconds> charge_batch(const std::string& agent, std::size_t further_calls);

  // Where a 401's or 403's challenge sends clients (RFC 9728); set once bound, before serving.
  void set_resource_metadata_url(std::string url) { resource_metadata_url_ = std::move(url); }
  const std::string& resource_metadata_url() const { return resource_metadata_url_; }

 private:
  IdentitySettings identity_;
  std::string resource_metadata_url_;
  broker::RateLimiter agents_, anonymous_;
  bool unsafe_shared_budget_;
  bool unsafe_no_agent_limit_;
};

}  // namespace mcph::agent_bridge
