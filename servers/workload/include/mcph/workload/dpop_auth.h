#pragma once
// Who a workload-mcp caller is: a Keycloak access token bound to a key (DPoP, RFC 9449),
// presented as `Authorization: DPoP <token>` with a `DPoP` proof for this very request, and the
// workload it was issued to. The token is verified against the realm's JWKS (iss, aud, exp,
// RS256), must carry cnf.jkt, and its client (azp) must be a SPIFFE ID of the trust domain: the
// federated client is named by the SPIFFE ID its JWT-SVIDs carry, so Keycloak has checked that
// name. The proof is checked by lib/jose (RFC 9449 §4.3: typ, an allowed asymmetric alg, a
// public jwk, the signature, htm, htu, iat, ath, the key against cnf.jkt); its jti is charged to
// the agent's own replay cache only once the agent is admitted (charge_replay).
#include <chrono>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "mcph/http/message.h"
#include "mcph/jose/dpop.h"
#include "mcph/jose/dpop_sabotage.h"
#include "mcph/jose/jws.h"
#include "mcph/jose/subject_replay_caches.h"

namespace mcph::oidc {
class JwksCache;
}

namespace mcph::workload {

struct DpopAuthSettings {
  std::string issuer;        // the realm's issuer URL
  std::string jwks_url;      // empty: <issuer>/protocol/openid-connect/certs
  std::string audience;      // the aud every token must carry
  std::string trust_domain;  // azp must be spiffe://<trust_domain>/…
  std::vector<jose::Alg> proof_algs{jose::Alg::ES256, jose::Alg::RS256};
  std::chrono::seconds proof_lifetime{10};
  std::chrono::seconds clock_skew{15};
  std::size_t replay_capacity = 10000;  // live proofs remembered per agent
  // UNSAFE switches, each one defect, for the sabotage tests only.
  jose::DpopSabotage unsafe_dpop;
  // The access token's claims taken as they are written: no signature, issuer or audience check.
  bool unsafe_unverified_token = false;
  // The access token verified but for its audience: a token of the realm for any service.
  bool unsafe_no_aud_check = false;
  // One replay cache of replay_capacity for every caller, filled while authenticating (before
  // the rate limit and the tier): one agent's proofs crowd out everyone's (503 when full).
  bool unsafe_shared_replay_cache = false;
};

struct WorkloadCaller {
  std::string spiffe_id;       // from the verified token's azp
  std::string jkt;             // the token's cnf.jkt
  std::int64_t expires_at = 0; // the token's exp
};

struct DpopAuthResult {
  std::optional<WorkloadCaller> caller;
  int status = 401;          // 400 for a malformed request, 503 when the realm's keys cannot be had
  std::string www_authenticate;
  std::string description;   // why, safe to show: never the token or the proof
  int retry_after = 0;       // seconds, with a 429
  // The verified proof, still to be charged to the agent's replay cache (none when a switch
  // disables that).
  std::optional<jose::VerifiedDpopProof> proof;
};

class DpopAuthenticator {
 public:
  explicit DpopAuthenticator(DpopAuthSettings settings);
  ~DpopAuthenticator();

  // htu: the URL the request was sent to, as the caller sees it (the server's public URL and
  // the request's path).
  DpopAuthResult authenticate(const http::Request& request, const std::string& htu) const;
  // A refusal (401 invalid_dpop_proof) when the agent's replay cache already holds the proof;
  // charges nothing, so a replay is refused before it can spend the agent's rate limit.
  std::optional<DpopAuthResult> refuse_replay(const std::string& spiffe_id, const jose::VerifiedDpopProof& proof) const;
  // Charges the proof to the agent's replay cache; a refusal when it was used before (401) or the
  // agent already holds replay_capacity live proofs (429, Retry-After when it has room again).
  std::optional<DpopAuthResult> charge_replay(const std::string& spiffe_id, const jose::VerifiedDpopProof& proof) const;
  // `DPoP algs="ES256 RS256"`, with error and error_description when given.
  std::string challenge(const std::string& error = {}, const std::string& description = {}) const;
  const DpopAuthSettings& settings() const { return settings_; }

 private:
  DpopAuthResult refuse(int status, const std::string& error, const std::string& description) const;
  DpopAuthSettings settings_;
  std::unique_ptr<oidc::JwksCache> jwks_;
  std::unique_ptr<jose::SubjectReplayCaches> replays_;
  std::unique_ptr<jose::DpopReplayCache> shared_replays_;  // unsafe_shared_replay_cache only
};

}  // namespace mcph::workload
