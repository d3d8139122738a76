#pragma once
// What the real SPIRE never mints, signed with its own key: a JWT-SVID for another trust domain's
// SPIFFE ID. SPIRE's disk key manager keeps its keys in one file ({"keys": {id: base64 of PKCS#8
// DER}}); the key whose public half the trust bundle lists signs, under that key's kid, so a
// relying party finds the key and checks the signature, and only its comparison of the SPIFFE
// ID's trust domain with its own can refuse the SVID.
#include <filesystem>
#include <string>

#include <nlohmann/json.hpp>

namespace mcph::harness::scenario {

// A JWT-SVID's claims: sub, aud (always a list), iat now and exp `ttl` seconds later, in the
// order SPIRE writes them.
nlohmann::json jwt_svid_claims(const std::string& spiffe_id, const nlohmann::json& audience, int ttl);

// `bundle` is the trust domain's JWT bundle (a JWK Set, as the Workload API gives it); the claims
// are a JWT-SVID's (sub, aud, iat, exp), living `ttl` seconds. Throws std::runtime_error naming
// the file and what it lacks (never a key): unreadable, not the disk key manager's, or holding
// no key of the bundle.
std::string svid_signed_with_spire_key(const std::filesystem::path& keys_file, const std::string& bundle,
                                       const std::string& spiffe_id, const nlohmann::json& audience, int ttl);

}  // namespace mcph::harness::scenario
