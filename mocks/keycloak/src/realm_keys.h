#pragma once
// A realm's keys, as Keycloak's key providers make them: RSA signing (rsa-generated, RS256),
// RSA encryption (rsa-enc-generated, RSA-OAEP, listed in the JWKS but never used here) and the
// HMAC key that signs refresh tokens (hmac-generated-hs512).
#include <cstdint>
#include <memory>
#include <string>

#include <nlohmann/json.hpp>

#include "mcph/jose/key.h"

namespace mcph::mock_keycloak {

enum class KeyUse { sig, enc };

// What a key provider component asks for (the admin components API or a new realm's defaults).
struct KeySpec {
  std::string component_id;
  std::string name;         // component name, e.g. "rsa-generated"
  std::string provider_id;  // rsa-generated | rsa-enc-generated | rsa | hmac-generated-hs512 | hmac-generated
  long priority = 100;
  bool enabled = true;
  bool active = true;
  int key_size = 2048;          // RSA bits; HMAC secret bytes for hmac providers
  std::string algorithm;        // RS256, RSA-OAEP, HS512 (default from the provider)
  std::string private_key_pem;  // provider "rsa" only: the imported key
};

struct RealmKey {
  KeySpec spec;
  std::string kid;
  std::string type;  // "RSA" or "OCT"
  KeyUse use = KeyUse::sig;
  std::shared_ptr<const jose::Key> rsa;  // RSA keys
  std::string secret;                    // HMAC keys
  std::string public_key_b64;            // base64 SubjectPublicKeyInfo DER
  std::string certificate_b64;           // base64 DER, self-signed, CN=<realm>
  std::string x5t, x5t_s256;
  std::int64_t valid_to_ms = 0;

  bool is_rsa() const { return type == "RSA"; }
};

// Throws KeycloakError(400) for an unknown provider or a bad key size / PEM.
RealmKey make_key(const std::string& realm_name, KeySpec spec);
bool is_key_provider(const std::string& provider_id);

// The JWKS member for an RSA key: kid, kty, alg, use, n, e, x5c, x5t, x5t#S256.
nlohmann::ordered_json public_jwk(const RealmKey& key);

}  // namespace mcph::mock_keycloak
