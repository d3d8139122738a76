#include "token_forgeries.h"

#include "mcph/codec/base64.h"
#include "mcph/jose/error.h"
#include "mcph/jose/jwk.h"
#include "mcph/jose/well_known_secrets.h"
#include "mcph/openssl/crypto.h"

namespace mcph::harness::scenario {
namespace {

using Json = nlohmann::json;

std::string signing_input(const Json& header, const Json& claims) {
  return codec::base64url_encode(header.dump()) + "." + codec::base64url_encode(claims.dump());
}

// HS256 with any secret, however short: jose refuses to sign with one under 32 bytes, and a
// verifier that accepts one is exactly what is looked for.
std::string hs256(const std::string& secret, const Json& claims, const std::string& kid = {}) {
  Json header = {{"alg", "HS256"}, {"typ", "JWT"}};
  if (!kid.empty()) header["kid"] = kid;
  const std::string input = signing_input(header, claims);
  return input + "." + codec::base64url_encode(openssl::hmac_sha256(secret, input));
}

// A `k` as verifiers read it, whatever its publisher wrote: either alphabet, padded or not.
// The strict base64url of RFC 7517 would miss a key that a lenient verifier still uses.
std::optional<std::string> decode_leniently(std::string text) {
  for (char& c : text) {
    if (c == '-') c = '+';
    if (c == '_') c = '/';
  }
  while (!text.empty() && text.back() == '=') text.pop_back();
  text.append((4 - text.size() % 4) % 4, '=');
  return codec::base64_decode(text);
}

std::string named(const Json& member) {
  const std::string kid = member.value("kid", "");
  return kid.empty() ? std::string("the key without kid") : "kid " + kid;
}

}  // namespace

std::vector<ForgedToken> forge_with_published_keys(const Json& jwks, const Json& claims) {
  std::vector<ForgedToken> forged;
  const Json keys = jwks.is_object() ? jwks.value("keys", Json::array()) : Json::array();
  for (const auto& member : keys.is_array() ? keys : Json::array()) {
    if (!member.is_object()) continue;
    const std::string kid = member.value("kid", "");
    if (member.contains("k") && member["k"].is_string()) {
      const std::string k = member["k"].get<std::string>();
      if (const auto secret = decode_leniently(k)) {
        forged.push_back({"HS256 with the symmetric key published as " + named(member), hs256(*secret, claims, kid)});
      }
      // A verifier that keys HMAC with the member's text rather than the bytes it encodes.
      forged.push_back({"HS256 keyed with the text of the `k` published as " + named(member), hs256(k, claims, kid)});
      continue;
    }
    std::optional<jose::Jwk> jwk;
    try {
      jwk = jose::Jwk::from_json(member.dump());
    } catch (const jose::JoseError&) {
      continue;  // a key type or curve the harness does not sign with
    }
    if (jwk->key.type() == jose::KeyType::oct) continue;
    if (jwk->key.has_private()) {
      const jose::Alg alg = jwk->key.type() == jose::KeyType::rsa ? jose::Alg::RS256 : jose::Alg::ES256;
      Json header = {{"alg", std::string(jose::to_string(alg))}, {"typ", "JWT"}};
      if (!kid.empty()) header["kid"] = kid;
      forged.push_back({std::string(jose::to_string(alg)) + " with the private members published for " + named(member),
                        jose::sign_compact(jwk->key, alg, header.dump(), claims.dump())});
    }
    forged.push_back({"HS256 keyed with the public key (PEM) of " + named(member), hs256(jwk->key.public_pem(), claims, kid)});
  }
  for (const auto& secret : jose::well_known_hs256_secrets()) {
    forged.push_back({"HS256 with the well-known default secret \"" + secret + "\"", hs256(secret, claims)});
  }
  return forged;
}

}  // namespace mcph::harness::scenario
