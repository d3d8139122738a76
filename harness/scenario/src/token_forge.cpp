#include "token_forge.h"

#include <stdexcept>

#include "mcph/codec/base64.h"
#include "mcph/jose/jwk.h"
#include "mcph/jose/jws.h"
#include "mcph/jose/key.h"

namespace mcph::harness::scenario {
namespace {

using Json = nlohmann::json;

Json decoded_json(std::string_view part, const char* what) {
  const auto bytes = codec::base64url_decode(part);
  const Json value = bytes ? Json::parse(*bytes, nullptr, false) : Json();
  if (!value.is_object()) throw std::runtime_error(std::string("the token's ") + what + " is not a JSON object");
  return value;
}



// base64url as RFC 7515 wants it, or a non-canonical variant of it.
std::string encode(std::string_view bytes, const std::string& encoding) {
  std::string text = codec::base64url_encode(bytes);
  if (encoding.empty()) return text;
  if (encoding == "standard") {
    for (char& c : text) c = c == '-' ? '+' : c == '_' ? '/' : c;
  }
  while (text.size() % 4 != 0) text += '=';
  return text;
}

// The attacker's key: made once per process (RSA key generation takes a while).
const jose::Key& attacker_key() {
  static const jose::Key key = jose::Key::generate_rsa(2048);
  return key;
}

}  // namespace

const jose::Key& harness_realm_key() {
  static const jose::Key key = jose::Key::generate_rsa(2048);
  return key;
}

namespace {

jose::Key realm_public_pem_as_hmac(const std::string& realm_jwks) {
  const jose::JwkSet set = jose::JwkSet::from_json(realm_jwks);
  for (const auto& jwk : set.keys()) {
    if (jwk.key.type() == jose::KeyType::rsa) return jose::Key::hmac(jwk.key.public_pem());
  }
  throw std::runtime_error("the realm publishes no RSA key to confuse HS256 with");
}

}  // namespace

void set_fields(Json& target, const Json& changes) {
  for (const auto& [name, value] : changes.items()) {
    if (value.is_null()) {
      target.erase(name);
    } else {
      target[name] = value;
    }
  }
}

std::string forge_token(const std::string& token, const ForgeSpec& spec, const std::string& realm_jwks) {
  const auto first = token.find('.');
  const auto second = first == std::string::npos ? std::string::npos : token.find('.', first + 1);
  if (second == std::string::npos) throw std::runtime_error("the token to forge from is not a JWT");
  Json header = decoded_json(std::string_view(token).substr(0, first), "header");
  Json claims = decoded_json(std::string_view(token).substr(first + 1, second - first - 1), "payload");
  const std::string original_signature = token.substr(second + 1);

  if (spec.sign == ForgeSigning::realm_key) header["kid"] = spec.realm_key_kid;
  set_fields(header, spec.header);
  set_fields(claims, spec.claims);
  if (spec.pad_bytes > 0) claims["pad"] = std::string(static_cast<std::size_t>(spec.pad_bytes), 'x');
  if (spec.sign == ForgeSigning::attacker_embedded_jwk) {
    header["jwk"] = Json::parse(jose::Jwk{attacker_key().public_only(), header.value("kid", ""), jose::Alg::RS256, "sig"}
                                    .to_public_json());
  }
  const std::string payload = spec.payload_text.empty() ? claims.dump() : spec.payload_text;
  const std::string signing_input = encode(header.dump(), spec.encoding) + "." + encode(payload, spec.encoding);

  switch (spec.sign) {
    case ForgeSigning::keep: return signing_input + "." + original_signature;
    case ForgeSigning::strip: return signing_input + ".";
    case ForgeSigning::cut: return signing_input + "." + original_signature.substr(0, original_signature.size() / 2);
    case ForgeSigning::attacker:
    case ForgeSigning::attacker_embedded_jwk:
      return signing_input + "." + encode(jose::sign_bytes(attacker_key(), jose::Alg::RS256, signing_input), spec.encoding);
    case ForgeSigning::hs256_realm_public:
      return signing_input + "." +
             encode(jose::sign_bytes(realm_public_pem_as_hmac(realm_jwks), jose::Alg::HS256, signing_input), spec.encoding);
    case ForgeSigning::realm_key:
      return signing_input + "." + encode(jose::sign_bytes(harness_realm_key(), jose::Alg::RS256, signing_input), spec.encoding);
    case ForgeSigning::es256_zero: return signing_input + "." + encode(std::string(64, '\0'), spec.encoding);
  }
  throw std::logic_error("unknown forge signing");
}

}  // namespace mcph::harness::scenario
