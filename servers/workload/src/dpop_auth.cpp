#include "mcph/sync/unix_time.h"
#include "mcph/text/ascii_case.h"
#include "mcph/workload/dpop_auth.h"

#include <algorithm>
#include <cctype>
#include <chrono>

#include <nlohmann/json.hpp>

#include "mcph/broker/authenticator.h"
#include "mcph/jose/jwt.h"
#include "mcph/oidc/jwks_cache.h"

namespace mcph::workload {
namespace {

// The scheme word (lower-cased) and the credential after it.
bool split_authorization(const std::string& value, std::string& scheme, std::string& credential) {
  const auto space = value.find(' ');
  if (space == std::string::npos) return false;
  scheme = text::ascii_lower(value.substr(0, space));
  const auto start = value.find_first_not_of(' ', space);
  if (start == std::string::npos) return false;
  credential = value.substr(start);
  return true;
}

// UNSAFE, the sabotage switch only: what a token says of its client, key and expiry, unverified.
std::optional<jose::VerifiedJwt> claims_unverified(const std::string& token) {
  const auto payload = jose::unverified_payload(token);
  const auto claims = payload ? nlohmann::json::parse(*payload, nullptr, false) : nlohmann::json();
  if (!claims.is_object()) return std::nullopt;
  jose::VerifiedJwt jwt;
  if (claims.contains("azp") && claims["azp"].is_string()) jwt.azp = claims["azp"].get<std::string>();
  const auto cnf = claims.find("cnf");
  if (cnf != claims.end() && cnf->is_object() && cnf->contains("jkt") && (*cnf)["jkt"].is_string()) {
    jwt.cnf_jkt = (*cnf)["jkt"].get<std::string>();
  }
  if (claims.contains("exp") && claims["exp"].is_number_integer()) jwt.exp = claims["exp"].get<std::int64_t>();
  return jwt;
}

std::string proof_refused(jose::DpopCheck check) {
  return "the DPoP proof is refused (" + std::string(jose::to_string(check)) + ")";
}

}  // namespace

DpopAuthenticator::DpopAuthenticator(DpopAuthSettings settings)
    : settings_(std::move(settings)), replays_(std::make_unique<jose::SubjectReplayCaches>(settings_.replay_capacity)) {
  if (settings_.unsafe_shared_replay_cache) shared_replays_ = std::make_unique<jose::DpopReplayCache>(settings_.replay_capacity);
  if (settings_.jwks_url.empty()) settings_.jwks_url = settings_.issuer + "/protocol/openid-connect/certs";
  jwks_ = std::make_unique<oidc::JwksCache>(settings_.jwks_url);
}

DpopAuthenticator::~DpopAuthenticator() = default;

std::string DpopAuthenticator::challenge(const std::string& error, const std::string& description) const {
  return broker::dpop_challenge(settings_.proof_algs, error, description);
}

DpopAuthResult DpopAuthenticator::refuse(int status, const std::string& error, const std::string& description) const {
  DpopAuthResult result;
  result.status = status;
  result.description = description;
  if (status == 401) result.www_authenticate = challenge(error, description);
  return result;
}

DpopAuthResult DpopAuthenticator::authenticate(const http::Request& request, const std::string& htu) const {
  const std::size_t authorizations = http::count_fields(request.headers, "Authorization");
  if (authorizations == 0) return refuse(401, "", "no access token");
  if (authorizations > 1) return refuse(400, "invalid_request", "more than one Authorization header");
  std::string scheme, token;
  if (!split_authorization(request.header("Authorization"), scheme, token)) {
    return refuse(401, "invalid_token", "the Authorization header is not '<scheme> <token>'");
  }
  const bool bearer = scheme == "bearer";
  if (scheme != "dpop" && !bearer) return refuse(401, "invalid_token", "the DPoP scheme is required");

  jose::VerifiedJwt jwt;
  try {
    jose::VerifyOptions options;
    options.allowed_algs = {jose::Alg::RS256};
    options.issuer = settings_.issuer;
    if (!settings_.unsafe_no_aud_check) options.audience = settings_.audience;
    const auto unverified = settings_.unsafe_unverified_token ? claims_unverified(token) : std::nullopt;
    jwt = unverified ? *unverified : jwks_->verify(token, options);
  } catch (const jose::JoseError& e) {
    return refuse(401, "invalid_token", "the access token is not valid (" + std::string(jose::to_string(e.kind())) + ")");
  } catch (const oidc::JwksUnavailable&) {
    return refuse(503, "", "the identity provider's keys cannot be had");
  }
  const std::string& jkt = jwt.cnf_jkt;
  if (jkt.empty()) return refuse(401, "invalid_token", "the access token is not DPoP-bound (no cnf.jkt)");
  const std::string prefix = "spiffe://" + settings_.trust_domain + "/";
  if (jwt.azp.size() <= prefix.size() || jwt.azp.compare(0, prefix.size(), prefix) != 0) {
    return refuse(401, "invalid_token", "the access token was not issued to a workload of " + settings_.trust_domain);
  }
  WorkloadCaller caller{jwt.azp, jkt, jwt.exp.value_or(0)};

  if (bearer) {
    if (!settings_.unsafe_dpop.as_bearer) {
      return refuse(401, "invalid_token", "a DPoP-bound token must be presented with the DPoP scheme");
    }
    DpopAuthResult accepted;
    accepted.status = 200;
    accepted.caller = std::move(caller);
    return accepted;
  }
  const std::size_t proofs = http::count_fields(request.headers, "DPoP");
  if (proofs == 0 && settings_.unsafe_dpop.no_proof) {
    DpopAuthResult accepted;
    accepted.status = 200;
    accepted.caller = std::move(caller);
    return accepted;
  }
  if (proofs == 0) return refuse(401, "invalid_dpop_proof", "no DPoP proof");
  if (proofs > 1) return refuse(400, "invalid_dpop_proof", "more than one DPoP header");
  jose::DpopVerifyOptions options;
  options.htm = request.method;
  options.htu = htu;
  options.allowed_algs = settings_.proof_algs;
  options.access_token = token;
  options.expected_jkt = jkt;
  settings_.unsafe_dpop.apply(options);
  options.lifetime = settings_.proof_lifetime;
  options.clock_skew = settings_.clock_skew;
  DpopAuthResult accepted;
  try {
    // No cache here (but the shared one of the sabotage switch): the proof is charged to its
    // agent's cache once the agent is admitted.
    const jose::VerifiedDpopProof proof = jose::verify_dpop_proof(
        request.header("DPoP"), options, settings_.unsafe_dpop.no_replay ? nullptr : shared_replays_.get());
    if (!settings_.unsafe_dpop.no_replay && !shared_replays_) accepted.proof = proof;
  } catch (const jose::DpopError& e) {
    if (e.check() == jose::DpopCheck::replay_cache_full) return refuse(503, "", "too many DPoP proofs at once");
    return refuse(401, "invalid_dpop_proof", proof_refused(e.check()));
  }
  accepted.status = 200;
  accepted.caller = std::move(caller);
  return accepted;
}

std::optional<DpopAuthResult> DpopAuthenticator::refuse_replay(const std::string& spiffe_id,
                                                               const jose::VerifiedDpopProof& proof) const {
  if (!replays_->seen(spiffe_id, proof, sync::unix_seconds())) return std::nullopt;
  return refuse(401, "invalid_dpop_proof", proof_refused(jose::DpopCheck::replayed));
}

std::optional<DpopAuthResult> DpopAuthenticator::charge_replay(const std::string& spiffe_id,
                                                               const jose::VerifiedDpopProof& proof) const {
  const std::int64_t now = sync::unix_seconds();
  try {
    replays_->remember(spiffe_id, proof, now);
    return std::nullopt;
  } catch (const jose::DpopError& e) {
    if (e.check() != jose::DpopCheck::replay_cache_full) return refuse(401, "invalid_dpop_proof", proof_refused(e.check()));
  }
  DpopAuthResult full = refuse(429, "", "too_many_proofs: this agent holds " + std::to_string(settings_.replay_capacity) +
                                            " live DPoP proofs");
  full.retry_after = static_cast<int>(replays_->seconds_until_room(spiffe_id, now));
  return full;
}

}  // namespace mcph::workload
