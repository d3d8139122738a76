#include "gate.h"

#include <nlohmann/json.hpp>

#include "mcph/broker/authenticator.h"
#include "mcph/jose/jwt.h"

namespace mcph::agent_bridge {
namespace {

Gate::Admission too_many(std::chrono::seconds wait, const std::string& what) {
  Gate::Admission admission;
  admission.status = 429;
  admission.message = what + " is exceeded";
  admission.headers.emplace_back("Retry-After", std::to_string(wait.count()));
  return admission;
}

// The agent a refused JWT claims to be (its unverified sub), for the sabotage switch only.
std::string claimed_agent(const http::Request& request) {
  const std::string authorization = request.header("Authorization");
  if (authorization.rfind("Bearer ", 0) != 0) return {};
  const auto payload = jose::unverified_payload(authorization.substr(7));
  if (!payload) return {};
  const nlohmann::json claims = nlohmann::json::parse(*payload, nullptr, false);
  if (!claims.is_object() || !claims.contains("sub") || !claims["sub"].is_string()) return {};
  return "agent:" + claims["sub"].get<std::string>();
}

// Whom a refused request's budget belongs to: its peer, or, from the trusted proxy, the client
// the proxy names in X-Real-IP (which the proxy sets itself, replacing any the client sent).
// Behind a proxy every request comes from its address; one budget for all of them would let
// one client's bad requests turn every other client's 401 into a 429.
std::string refusal_budget(const http::Request& request, const IdentitySettings& identity) {
  if (!identity.proxy_address.empty() && request.remote_addr == identity.proxy_address) {
    const std::string client = request.header("X-Real-IP");
    if (!client.empty()) return "client:" + client;
  }
  return "addr:" + request.remote_addr;
}

}  // namespace

Gate::Gate(const cli::Flags& flags, IdentitySettings identity)
    : identity_(std::move(identity)),
      agents_(flags.get_int("rate-limit"), std::chrono::milliseconds(flags.get_int("rate-window-ms"))),
      anonymous_(flags.get_int("unauthenticated-rate-limit"), std::chrono::milliseconds(flags.get_int("rate-window-ms"))),
      unsafe_shared_budget_(flags.on("unsafe-rate-limit-unauthenticated")),
      unsafe_no_agent_limit_(flags.on("unsafe-no-agent-rate-limit")) {}

std::optional<std::chrono::seconds> Gate::charge_batch(const std::string& agent, std::size_t further_calls) {
  if (unsafe_no_agent_limit_) return std::nullopt;  // sabotage: agents' calls are never charged
  return agents_.acquire("agent:" + agent, further_calls);
}

Gate::Admission Gate::admit(const http::Request& request) {
  const Identification who = identify(request, identity_);
  Admission admission;
  if (who.agent) {
    if (auto wait = unsafe_no_agent_limit_ ? std::nullopt : agents_.acquire("agent:" + who.agent->id)) {
      return too_many(*wait, "this agent's rate limit");
    }
    admission.agent = who.agent;
    return admission;
  }
  const std::string budget = unsafe_shared_budget_ ? claimed_agent(request) : std::string();
  if (auto wait = budget.empty() ? anonymous_.acquire(refusal_budget(request, identity_)) : agents_.acquire(budget)) {
    return too_many(*wait, "the rate limit of refused requests from this address");
  }
  admission.status = who.status;
  admission.message = who.description;
  if (who.status == 401) {
    admission.headers.emplace_back("WWW-Authenticate",
                                   broker::bearer_challenge(resource_metadata_url_, "", who.error, who.description));
  }
  return admission;
}

}  // namespace mcph::agent_bridge
