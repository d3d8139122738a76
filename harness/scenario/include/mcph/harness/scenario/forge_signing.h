#pragma once
// How a forged token is signed: a token step's forge `sign:` and a workload step's `forge.sign`.
#include <array>
#include <string_view>

namespace mcph::harness::scenario {

// keep: the original signature (now over other bytes); strip: none at all ("header.payload.");
// cut: its first half; attacker: RS256 with a key of the attacker's (any kid the header keeps);
// attacker_embedded_jwk: the same, its public key in the header's jwk; hs256_realm_public: HS256
// keyed with the realm's public key in PEM (key confusion); es256_zero: an ES256 signature whose
// r and s are 0; realm_key: RS256 with the harness's key that the realm publishes (its kid set in
// the header unless it names another), so that each claim check is tried on its own, behind a
// signature the servers accept.
enum class ForgeSigning { keep, strip, cut, attacker, attacker_embedded_jwk, hs256_realm_public, es256_zero, realm_key };
inline constexpr std::array<std::string_view, 8> kForgeSignings = {
    "keep", "strip", "cut", "attacker", "attacker_embedded_jwk", "hs256_realm_public", "es256_zero", "realm_key"};

}  // namespace mcph::harness::scenario
