// Fuzzes JWK, JWK Set and PEM key import (Jwk::from_json, JwkSet::from_json, Key::from_pem)
// and the export of what was imported.
//
// Input: one byte choosing the parser (value % 3: JWK, JWK Set, PEM), then the document.
// Properties: only JoseError is thrown; a key that imports exports a public JWK without any
// private member, which imports again to the same key (same RFC 7638 thumbprint), and a
// private key survives the private export and import the same way.
#include <cstdint>
#include <initializer_list>
#include <string>

#include <nlohmann/json.hpp>

#include "mcph/fuzz/check.h"
#include "mcph/fuzz/input_parts.h"
#include "mcph/jose/error.h"
#include "mcph/jose/jwk.h"
#include "mcph/jose/key.h"

namespace {

using namespace mcph;

void check_round_trip(const jose::Jwk& jwk) {
  const auto public_json = nlohmann::json::parse(jwk.to_public_json());
  for (const char* secret : {"d", "p", "q", "dp", "dq", "qi", "k"}) {
    fuzz::check(!public_json.contains(secret), "the public JWK carries a private member");
  }
  if (jwk.key.type() != jose::KeyType::oct) {
    const auto again = jose::Jwk::from_json(jwk.to_public_json());
    fuzz::check(again.key.thumbprint() == jwk.key.thumbprint(), "public export changed the key");
    fuzz::check(!again.key.has_private(), "public export kept the private half");
    fuzz::check(again.kid == jwk.kid, "public export changed the kid");
  }
  if (jwk.key.has_private()) {
    const auto again = jose::Jwk::from_json(jwk.to_private_json());
    fuzz::check(again.key.has_private(), "private export lost the private half");
    if (jwk.key.type() == jose::KeyType::oct) {
      fuzz::check(again.key.secret() == jwk.key.secret(), "private export changed the secret");
    } else {
      fuzz::check(again.key.thumbprint() == jwk.key.thumbprint(), "private export changed the key");
    }
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size == 0) return 0;
  const std::string_view document = fuzz::as_text(data + 1, size - 1);
  try {
    switch (data[0] % 3) {
      case 0:
        check_round_trip(jose::Jwk::from_json(document));
        break;
      case 1: {
        const auto set = jose::JwkSet::from_json(document);
        for (const auto& jwk : set.keys()) check_round_trip(jwk);
        bool has_secret_key = false;
        for (const auto& jwk : set.keys()) has_secret_key |= jwk.key.type() == jose::KeyType::oct;
        if (!has_secret_key) {  // an oct key's public export has no "k" and cannot import again
          const auto again = jose::JwkSet::from_json(set.to_json());
          fuzz::check(again.keys().size() == set.keys().size(), "JWK Set export lost keys");
        }
        break;
      }
      default: {
        const auto key = jose::Key::from_pem(document);
        if (key.type() != jose::KeyType::oct) {
          fuzz::check(jose::Key::from_pem(key.public_pem()).thumbprint() == key.thumbprint(),
                      "PEM export changed the key");
        }
        break;
      }
    }
  } catch (const jose::JoseError&) {
    // A clear rejection is the expected answer to a bad document.
  }
  return 0;
}
