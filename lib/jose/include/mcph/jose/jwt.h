#pragma once
// JWT verification: signature with an allow-listed algorithm that fits the key, then the
// registered claims. Every rejection is a JoseError with its own ErrorKind.
#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "mcph/jose/error.h"
#include "mcph/jose/jwk.h"
#include "mcph/jose/jws.h"

namespace mcph::jose {

struct VerifyOptions {
  std::vector<Alg> allowed_algs{Alg::RS256};
  std::optional<std::string> issuer;    // when set, iss must equal it
  std::optional<std::string> audience;  // when set, aud (string or array) must contain it
  std::chrono::seconds leeway{0};       // applied to exp, nbf and iat
  bool require_exp = true;
  // Seconds since the epoch; nullopt means the system clock. Tests pin it.
  std::optional<std::int64_t> now;
  std::size_t max_token_bytes = 16 * 1024;  // longer tokens are malformed
};

struct VerifiedJwt {
  Alg alg;
  std::string kid;                // empty when the header had none
  std::string typ;                // the header's (RFC 9068: at+jwt); empty when none or not a string
  std::string header_json;
  std::string payload_json;       // the claims, for callers that need more than below
  std::string iss;
  std::string sub;
  std::vector<std::string> aud;   // a string aud becomes one element
  std::optional<std::int64_t> exp, nbf, iat;
  // Claims a resource server checks on every request, read here once with the others (empty
  // when absent or not strings): azp (OIDC Core: the client the token was issued to),
  // preferred_username, and Keycloak's typ claim (Bearer for an access token; ID, Refresh).
  std::string azp, preferred_username, typ_claim;
  std::vector<std::string> scopes;  // the scope claim's space-separated words (RFC 8693 §4.2)
  // The confirmation claim (RFC 7800 cnf): whether there is one, of any method, and its jkt, the
  // thumbprint of the key a DPoP-bound token is bound to (RFC 9449; empty when none).
  bool has_cnf = false;
  std::string cnf_jkt;
};

// Whether the token counts only with a proof of the key it is bound to: it has a cnf claim, or
// Keycloak's typ claim says DPoP. A server that verifies no such proof must refuse it as a
// bearer token, or a token leaked without its key works all the same (RFC 9449 §7.2).
bool is_key_bound(const VerifiedJwt& jwt);

// Picks the key by header kid (unknown kid → unknown_kid; no kid → every key whose type fits
// the algorithm is tried). alg "none" and algorithms outside allowed_algs or not fitting the
// key are unsupported_algorithm — so HS256 signed with an RSA public key never verifies.
// Throws JoseError.
VerifiedJwt verify_jwt(std::string_view token, const JwkSet& keys, const VerifyOptions& options);

// The time claims alone (exp, nbf, iat, with options' leeway and clock) of a token that
// verify_jwt accepted before: all that can change for it while its key set and the options stay
// the same. Throws JoseError (expired, not_yet_valid, issued_in_future) as verify_jwt would.
void check_time_claims(const VerifiedJwt& jwt, const VerifyOptions& options);

// Decodes the claims without checking anything: for tooling and traces only, never for trust.
std::optional<std::string> unverified_payload(std::string_view token);

}  // namespace mcph::jose
