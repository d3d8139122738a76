#pragma once
// UNSAFE: the sabotage switches of a resource server that takes DPoP-bound tokens (RFC 9449),
// each one defect, for the harness's sabotage tests only. workload-mcp and the reference MCP
// servers (servers/broker) take the same set, under the same flags.
#include <span>

#include "mcph/jose/dpop.h"

namespace mcph::jose {

struct DpopSabotage {
  // The proof's own checks (DpopVerifyOptions), each one skipped.
  bool no_htm = false;        // a proof made for another method
  bool no_htu = false;        // a proof made for another URL
  bool no_iat = false;        // a proof of any age
  bool no_ath = false;        // a proof for no token, or another
  bool no_typ = false;        // a proof whatever its typ
  bool unsigned_alg = false;  // a proof with alg none, unsigned
  bool private_jwk = false;   // a proof whose jwk holds the private key
  bool no_jkt = false;        // a proof by any key, not only the one the token is bound to
  // The server's own steps around the proof.
  bool no_replay = false;     // a proof's jti may be used again
  bool no_proof = false;      // a bound token with the DPoP scheme and no proof at all
  bool as_bearer = false;     // a bound token presented as Bearer, without a proof

  // The proof's checks this sabotage skips, off in `options` (expected_jkt is cleared).
  void apply(DpopVerifyOptions& options) const;
};

// A switch: its flag (without the leading --), what it lets through, its setting.
struct DpopSabotageSwitch {
  const char* flag;
  const char* lets_through;
  bool DpopSabotage::*setting;
};
std::span<const DpopSabotageSwitch> dpop_sabotage_switches();

}  // namespace mcph::jose
