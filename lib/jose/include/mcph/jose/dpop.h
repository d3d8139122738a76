#pragma once
// DPoP (RFC 9449): proofs of possession of a key, sent in the DPoP header of a token request or
// of a resource request, and the checks of §4.3 a server makes on them. A DPoP-bound access
// token names its key in cnf.jkt, the RFC 7638 thumbprint (Key::thumbprint).
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <map>
#include <mutex>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

#include "mcph/jose/jws.h"
#include "mcph/jose/key.h"

namespace mcph::jose {

// Which check of RFC 9449 §4.3 a proof failed. Each kind has its own test.
enum class DpopCheck {
  malformed,              // not a compact JWS of JSON objects, wrong member types, oversized
  missing_member,         // typ, alg or jwk header, or jti, htm, htu or iat claim absent
  wrong_type,             // typ is not dpop+jwt
  unsupported_algorithm,  // alg none, symmetric, not allowed, or not fitting the jwk
  bad_jwk,                // the jwk header is not a usable public key
  private_key_in_jwk,     // the jwk header carries private members
  bad_signature,          // the signature does not verify with the embedded jwk
  method_mismatch,        // htm is not the request's method
  uri_mismatch,           // htu is not the request's URI (query and fragment ignored)
  nonce_mismatch,         // the server asked for a nonce and the proof has another (or none)
  not_active,             // iat outside the accepted window
  replayed,               // jti seen before within the window
  replay_cache_full,      // the replay cache holds its capacity of live entries: refused
  missing_ath,            // presented with an access token, but no ath claim
  ath_mismatch,           // ath is not the hash of the presented access token
  key_mismatch,           // the proof's key is not the token's cnf.jkt
};

std::string_view to_string(DpopCheck check);

class DpopError : public std::runtime_error {
 public:
  DpopError(DpopCheck check, const std::string& message) : std::runtime_error(message), check_(check) {}
  DpopCheck check() const { return check_; }

 private:
  DpopCheck check_;
};

// What a client puts in a proof. jti empty: a random one; iat unset: now.
struct DpopProofRequest {
  std::string htm;                          // "POST"
  std::string htu;                          // the request URI; query and fragment are dropped
  std::string jti;
  std::optional<std::int64_t> iat;
  std::optional<std::string> access_token;  // sets ath (resource requests)
  std::optional<std::string> nonce;         // a server-provided DPoP-Nonce
};

// Signs a proof with key (ES256 for EC P-256 keys, RS256 for RSA; HMAC keys throw
// JoseError(unsupported_algorithm)); the header carries the public half as jwk. Throws
// std::invalid_argument for a public-only key or an empty htm or htu.
std::string create_dpop_proof(const Key& key, const DpopProofRequest& request);

// What a client under test may change in a proof, to probe a server's checks. Every field unset
// is the honest proof's.
struct DpopProofTampering {
  std::optional<std::string> typ;  // the header's typ; "" leaves it out
  // The header's alg as written: "none" leaves the signature empty, "HS256" signs with an HMAC
  // keyed with the public jwk's JSON; anything else is written and the proof signed as usual.
  std::optional<std::string> alg;
  bool private_jwk = false;        // the jwk carries the private members too
  std::optional<std::string> ath;  // this ath instead of the access token's ("" stays "")
};
std::string create_dpop_proof(const Key& key, const DpopProofRequest& request, const DpopProofTampering& tampering);

// ath: base64url(SHA-256(access token)) (RFC 9449 §4.2).
std::string dpop_access_token_hash(std::string_view access_token);

// The URI without its query and fragment, scheme and host lower-cased and a default port
// (80 for http, 443 for https) dropped: what htu is compared as (RFC 9449 §4.3 step 9).
std::string dpop_normalized_uri(std::string_view uri);

// The algorithms of a comma-separated list a server's proofs may use ("ES256,RS256"); nullopt
// when a name is not an algorithm or is a symmetric one, which proves possession of nothing.
std::optional<std::vector<Alg>> dpop_algs_from_list(std::string_view list);

// Remembers the proofs seen (by key thumbprint and jti) until they could no longer be accepted.
// At most `capacity` live entries: when it is full of unexpired ones a new proof is refused
// (replay_cache_full) rather than an entry being dropped early, which would reopen a replay.
// Thread-safe.
class DpopReplayCache {
 public:
  explicit DpopReplayCache(std::size_t capacity = 100000) : capacity_(capacity) {}
  // True when (jkt, jti) was not seen and is now remembered until expires_at; false when seen.
  // Throws DpopError(replay_cache_full).
  bool remember(const std::string& jkt, const std::string& jti, std::int64_t expires_at, std::int64_t now);
  // True when (jkt, jti) is remembered and unexpired at now; remembers nothing.
  bool contains(const std::string& jkt, const std::string& jti, std::int64_t now) const;
  // When the first live entry expires (0 when there is none): a full cache has room after it.
  std::int64_t first_expiry() const;
  std::size_t size() const;

 private:
  void drop_expired(std::int64_t now);

  std::size_t capacity_;
  mutable std::mutex mutex_;
  std::map<std::string, std::int64_t> seen_;               // jkt + ' ' + jti → expiry
  std::multimap<std::int64_t, std::string> by_expiry_;     // expiry → key of seen_
};

struct DpopVerifyOptions {
  std::string htm;  // the request's method
  std::string htu;  // the request's URI as the server sees it
  std::vector<Alg> allowed_algs{Alg::ES256, Alg::RS256};  // HS256 is never accepted
  std::optional<std::string> access_token;  // resource requests: ath must match it
  std::optional<std::string> expected_jkt;  // the token's cnf.jkt: the proof's key must match
  std::optional<std::string> nonce;         // the nonce the server handed out, when it does
  // iat is accepted from now - lifetime - clock_skew to now + clock_skew (Keycloak's DPoPUtil
  // defaults: a proof lives 10 s, clocks may be 15 s apart).
  std::chrono::seconds lifetime{10};
  std::chrono::seconds clock_skew{15};
  std::optional<std::int64_t> now;          // seconds since the epoch; nullopt = system clock
  std::size_t max_proof_bytes = 8 * 1024;
  // UNSAFE when false: step 7 skipped, a jwk with private members accepted. Only for a stand-in
  // that must answer as Keycloak 26.5.6 does, which does not make that check.
  bool refuse_private_jwk = true;
  // UNSAFE when false, each one check skipped: for a server's sabotage switches only.
  bool check_typ = true;        // typ is not read: any, or none, is taken
  bool refuse_unsigned = true;  // alg none is taken for the jwk's own algorithm, its signature unchecked
  bool check_htm = true;
  bool check_htu = true;
  bool check_iat = true;
  bool check_ath = true;        // neither its presence nor its value
};

struct VerifiedDpopProof {
  Alg alg;
  std::string jkt;  // the RFC 7638 thumbprint of the proof's key: what cnf.jkt binds to
  std::string jti;
  std::string htm;
  std::string htu;
  std::int64_t iat = 0;
  std::int64_t replayable_until = 0;  // iat + lifetime + clock skew: its jti must be remembered until then
};

// The checks of RFC 9449 §4.3 in its order, then jti against replay_cache (when given; it is
// remembered only once every other check passed). Throws DpopError naming the failed check;
// its message never holds the proof, the token or the key.
VerifiedDpopProof verify_dpop_proof(std::string_view proof, const DpopVerifyOptions& options,
                                    DpopReplayCache* replay_cache);

// The replay check alone, for a server that verifies a proof without a cache and charges it later
// to a cache of its choosing (one per caller, once the caller is admitted): remembers the proof's
// (jkt, jti) until replayable_until. Throws DpopError(replayed) for a jti seen before, or
// DpopError(replay_cache_full).
void remember_dpop_proof(const VerifiedDpopProof& proof, DpopReplayCache& replay_cache, std::int64_t now);

}  // namespace mcph::jose
