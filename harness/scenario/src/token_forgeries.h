#pragma once
// Access tokens an attacker can sign with what an authorization server published: every key of
// its JWKS that shows private members (RSA/EC `d`) or is symmetric (`k`), each of its public
// keys used as an HS256 secret (the algorithm confusion of a verifier that takes the alg from
// the token), and the well-known default secrets of tutorials and samples. Each carries the
// claims a real token of the server would (`claims`), so only its signature can refuse it.
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

namespace mcph::harness::scenario {

struct ForgedToken {
  std::string made;   // how, for the report: "RS256 with the private members published for kid …"
  std::string token;  // never shown
};

// `jwks`: the JWKS as the server published it (members the harness cannot read are skipped).
std::vector<ForgedToken> forge_with_published_keys(const nlohmann::json& jwks, const nlohmann::json& claims);

}  // namespace mcph::harness::scenario
