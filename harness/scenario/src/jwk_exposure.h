#pragma once
// What a published JWK gives away: the members of a private key (RFC 7518 §6.2.2, §6.3.2) or a
// symmetric one (kty oct, whose `k` is the secret). A JWKS must hold public keys alone.
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

namespace mcph::harness::scenario {

// The members of `key` that must not be published ("d", "p", …, "kty oct"); empty for a public key.
std::vector<std::string> unpublishable_members(const nlohmann::json& key);

}  // namespace mcph::harness::scenario
