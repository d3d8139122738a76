// The DPoP half of the authenticator (RFC 9449 §7): the proof that comes with a bound token, and
// the user's replay cache it is charged to.
#include <chrono>

#include "mcph/broker/authenticator.h"
#include "mcph/jose/subject_replay_caches.h"
#include "mcph/sync/unix_time.h"
#include "auth_param.h"

namespace mcph::broker {
namespace {

std::string proof_refused(jose::DpopCheck check) {
  return "the DPoP proof is refused (" + std::string(jose::to_string(check)) + ")";
}

}  // namespace

std::string dpop_challenge(const std::vector<jose::Alg>& algs, std::string_view error, std::string_view description) {
  std::string names;
  for (const auto alg : algs) names += (names.empty() ? "" : " ") + std::string(jose::to_string(alg));
  std::string value = "DPoP algs=" + auth_param(names);
  if (!error.empty()) value += ", error=" + auth_param(error);
  if (!error.empty() && !description.empty()) value += ", error_description=" + auth_param(description);
  return value;
}

std::string Authenticator::dpop_challenge(std::string_view error, std::string_view description) const {
  return broker::dpop_challenge(config_.dpop_algs, error, description);
}

AuthResult Authenticator::refused_proof(std::string description) const {
  AuthResult result;
  result.description = std::move(description);
  result.www_authenticate = dpop_challenge("invalid_dpop_proof", result.description);
  return result;
}

std::optional<AuthResult> Authenticator::check_proof(const http::Request* request, std::string_view token,
                                                     const std::string& jkt, Principal& principal) const {
  if (jkt.empty()) return refused_proof("the DPoP scheme needs a token bound to a key (cnf.jkt)");
  const std::size_t proofs = request == nullptr ? 0 : http::count_fields(request->headers, "DPoP");
  if (proofs == 0 && config_.unsafe_dpop.no_proof) return std::nullopt;
  if (proofs == 0) return refused_proof("no DPoP proof");
  if (proofs > 1) {
    AuthResult result = refused_proof("more than one DPoP header");
    result.status = 400;
    return result;
  }
  jose::DpopVerifyOptions options;
  options.htm = request->method;
  options.htu = origin_ + request->path;
  options.allowed_algs = config_.dpop_algs;
  options.access_token = std::string(token);
  options.expected_jkt = jkt;
  config_.unsafe_dpop.apply(options);
  try {
    // No cache here: the proof is charged to its user's cache once the call is admitted.
    jose::VerifiedDpopProof proof = jose::verify_dpop_proof(request->header("DPoP"), options, nullptr);
    // A replay is refused before the rate limit, so a stolen proof cannot spend the user's calls.
    if (config_.unsafe_dpop.no_replay) return std::nullopt;
    if (replays_->seen(principal.subject, proof, sync::unix_seconds())) return refused_proof(proof_refused(jose::DpopCheck::replayed));
    principal.dpop_proof = std::move(proof);
  } catch (const jose::DpopError& e) {
    return refused_proof(proof_refused(e.check()));
  }
  return std::nullopt;
}

std::optional<AuthResult> Authenticator::charge_proof(const Principal& principal) const {
  if (!principal.dpop_proof) return std::nullopt;
  const std::int64_t now = sync::unix_seconds();
  try {
    replays_->remember(principal.subject, *principal.dpop_proof, now);
    return std::nullopt;
  } catch (const jose::DpopError& e) {
    if (e.check() != jose::DpopCheck::replay_cache_full) return refused_proof(proof_refused(e.check()));
  }
  AuthResult full;
  full.status = 429;
  full.description = "too_many_proofs: this user holds " + std::to_string(config_.dpop_replay_capacity) + " live DPoP proofs";
  full.retry_after = static_cast<int>(replays_->seconds_until_room(principal.subject, now));
  return full;
}

}  // namespace mcph::broker
