#pragma once
// What every workload-mcp tool call passes before its tool runs: the caller is identified
// (DpopAuthenticator), mapped to its tier by the server's own mapping (AgentTiers), and the
// policy engine is asked with an input built from verified facts only: the SPIFFE ID from the
// token, the operation and the tool. Each UNSAFE switch below is one defect, for the sabotage
// tests only.
#include <optional>
#include <string>

#include <nlohmann/json.hpp>

#include "mcph/broker/rate_limiter.h"
#include "mcph/workload/agent_tiers.h"
#include "mcph/workload/dpop_auth.h"
#include "mcph/workload/policy_client.h"
#include "mcph/workload/tools.h"

namespace mcph::workload {

struct GateSwitches {
  bool unsafe_no_auth = false;                  // a request without Authorization runs its tool unasked
  bool unsafe_spiffe_id_from_header = false;    // X-Spiffe-Id, when sent, names the caller (and so its tier)
  bool unsafe_input_without_spiffe_id = false;  // the policy is asked with the tier alone, no SPIFFE ID
};

struct Admission {
  std::optional<WorkloadCaller> caller;  // set when admitted
  std::string tier;                      // the caller's tier ("" for the anonymous caller)
  bool anonymous = false;                // admitted without credentials (unsafe_no_auth only)
  int status = 401;
  std::string www_authenticate;
  int retry_after = 0;                   // seconds, with a 429 (the agent's rate limit)
  std::string message;                   // e.g. "unknown_agent: …"; never a token
};

struct CallVerdict {
  bool allow = false;
  int status = 403;      // 403 denied by the policy, 503 no decision could be had
  std::string message;   // "denied: <the policy's reason>" or "policy_unavailable: <why>"
};

// The policy's input for a caller whose SPIFFE ID the server verified: the ID, the operation,
// the tool, and the mark `verified` (the policy refuses an input without it, so a path that asks
// before verifying gets nothing).
nlohmann::json verified_policy_input(const std::string& spiffe_id, const ToolCall& call);

class CallGate {
 public:
  // limiter: calls per agent (its verified SPIFFE ID); null or a limit of 0: none.
  CallGate(const DpopAuthenticator& auth, const AgentTiers& tiers, const PolicyClient& policy, GateSwitches switches,
           broker::RateLimiter* limiter = nullptr)
      : auth_(auth), tiers_(tiers), policy_(policy), switches_(switches), limiter_(limiter) {}

  // htu: the URL the caller sent the request to. An agent beyond its rate limit gets 429.
  Admission admit(const http::Request& request, const std::string& htu) const;
  // The further requests of an admitted agent's JSON-RPC batch, on its own budget: nullopt, or
  // the Retry-After of a batch beyond it (mcp::ServerOptions::charge_batch).
  std::optional<std::chrono::seconds> charge_batch(const std::string& spiffe_id, std::size_t further_calls) const;
  CallVerdict authorize(const Admission& admission, const ToolCall& call) const;
  // The input the policy is asked with (the sabotage switch aside: verified_policy_input).
  nlohmann::json policy_input(const Admission& admission, const ToolCall& call) const;

 private:
  const DpopAuthenticator& auth_;
  const AgentTiers& tiers_;
  const PolicyClient& policy_;
  GateSwitches switches_;
  broker::RateLimiter* limiter_;
};

}  // namespace mcph::workload
