#include "mcph/workload/call_gate.h"

namespace mcph::workload {
namespace {

Admission refused(const DpopAuthResult& why) {
  Admission admission;
  admission.status = why.status;
  admission.www_authenticate = why.www_authenticate;
  admission.retry_after = why.retry_after;
  admission.message = why.description;
  return admission;
}

}  // namespace

Admission CallGate::admit(const http::Request& request, const std::string& htu) const {
  Admission admission;
  if (switches_.unsafe_no_auth && !request.has_header("Authorization")) {
    admission.caller = WorkloadCaller{};
    admission.anonymous = true;
    admission.status = 200;
    return admission;
  }
  DpopAuthResult who = auth_.authenticate(request, htu);
  if (!who.caller) return refused(who);
  const std::string verified_id = who.caller->spiffe_id;
  if (who.proof) {
    if (const auto replay = auth_.refuse_replay(verified_id, *who.proof)) return refused(*replay);
  }
  if (limiter_ != nullptr) {
    if (const auto wait = limiter_->acquire(who.caller->spiffe_id)) {
      admission.status = 429;
      admission.retry_after = static_cast<int>(wait->count());
      admission.message = "rate_limited: more than " + std::to_string(limiter_->limit()) + " calls per window for this agent";
      return admission;
    }
  }
  if (switches_.unsafe_spiffe_id_from_header && request.has_header("X-Spiffe-Id")) {
    who.caller->spiffe_id = request.header("X-Spiffe-Id");
  }
  const auto tier = tiers_.tier_of(who.caller->spiffe_id);
  if (!tier) {
    admission.status = 403;
    admission.message = "unknown_agent: " + who.caller->spiffe_id + " has no trust tier here";
    return admission;
  }
  // Only now, with a tier and within its limit, does the agent's proof take room, in its own cache.
  if (who.proof) {
    if (const auto refusal = auth_.charge_replay(verified_id, *who.proof)) return refused(*refusal);
  }
  admission.caller = std::move(who.caller);
  admission.tier = *tier;
  admission.status = 200;
  return admission;
}

std::optional<std::chrono::seconds> CallGate::charge_batch(const std::string& spiffe_id, std::size_t further_calls) const {
  if (limiter_ == nullptr) return std::nullopt;
  return limiter_->acquire(spiffe_id, further_calls);
}

nlohmann::json verified_policy_input(const std::string& spiffe_id, const ToolCall& call) {
  return {{"spiffe_id", spiffe_id}, {"operation", call.operation}, {"tool", call.tool}, {"verified", true}};
}

nlohmann::json CallGate::policy_input(const Admission& admission, const ToolCall& call) const {
  // Only a caller whose SVID or token was verified is admitted this far.
  nlohmann::json input = verified_policy_input(admission.caller->spiffe_id, call);
  if (switches_.unsafe_input_without_spiffe_id) {
    input.erase("spiffe_id");
    input["tier"] = admission.tier;
  }
  return input;
}

CallVerdict CallGate::authorize(const Admission& admission, const ToolCall& call) const {
  CallVerdict verdict;
  if (admission.anonymous) {  // only with unsafe_no_auth
    verdict.allow = true;
    verdict.status = 200;
    return verdict;
  }
  const PolicyDecision decision = policy_.decide(policy_input(admission, call));
  verdict.allow = decision.allow;
  if (decision.allow) {
    verdict.status = 200;
  } else if (decision.decided) {
    verdict.status = 403;
    verdict.message = "denied: " + decision.reason;
  } else {
    verdict.status = 503;
    verdict.message = "policy_unavailable: " + decision.reason;
  }
  return verdict;
}

}  // namespace mcph::workload
