#pragma once
// The switches of a DPoP proof's own checks (lib/jose's jose::DpopSabotage, which every reference
// server that takes DPoP shares), with the scenario of each dpop file that bends what the check
// looks at: the same seven checks, proven at the workload server (dpop.yaml) and at the servers of
// the realm's users (dpop_users.yaml).
#include <string>
#include <vector>

namespace mcph::harness::scenario {

struct DpopProofSwitch {
  std::string name, flag, property;
  std::string workload_scenario;  // its scenario in dpop.yaml
  std::string users_scenario;     // in dpop_users.yaml
};

inline const std::vector<DpopProofSwitch>& dpop_proof_switches() {
  static const std::vector<DpopProofSwitch> switches = {
      {"htm", "--unsafe-dpop-no-htm-check", "accepts a DPoP proof made for another request",
       "a proof for another method or another URL is refused",
       "a user's proof for another method or another URL is refused"},
      {"htu", "--unsafe-dpop-no-htu-check", "accepts a DPoP proof made for another request",
       "a proof for another method or another URL is refused",
       "a user's proof for another method or another URL is refused"},
      {"iat", "--unsafe-dpop-no-iat-check", "accepts a DPoP proof outside its time window",
       "a stale proof and one from the future are refused", "a user's stale proof and one from the future are refused"},
      {"ath", "--unsafe-dpop-no-ath-check", "accepts a DPoP proof not made for the presented token",
       "a proof without the token's hash, or with another token's, is refused",
       "a user's proof without the token's hash, or with another token's, is refused"},
      {"typ", "--unsafe-dpop-no-typ-check", "accepts a malformed DPoP proof", "a proof whose typ is not dpop+jwt is refused",
       "a user's proof whose typ is not dpop+jwt is refused"},
      {"unsigned", "--unsafe-dpop-unsigned", "accepts a DPoP proof without an asymmetric signature",
       "an unsigned proof and one signed with a shared secret are refused",
       "a user's unsigned proof and one signed with a shared secret are refused"},
      {"private_jwk", "--unsafe-dpop-private-jwk", "accepts a malformed DPoP proof",
       "a proof whose jwk carries the private key is refused", "a user's proof whose jwk carries the private key is refused"},
  };
  return switches;
}

}  // namespace mcph::harness::scenario
