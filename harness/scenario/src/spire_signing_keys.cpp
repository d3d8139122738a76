#include "spire_signing_keys.h"

#include <map>
#include <optional>
#include <stdexcept>

#include "mcph/codec/base64.h"
#include "mcph/harness/fixtures/text_file.h"
#include "mcph/jose/error.h"
#include "mcph/jose/jwk.h"
#include "mcph/jose/jws.h"
#include "mcph/sync/unix_time.h"

namespace mcph::harness::scenario {
namespace {

using Json = nlohmann::json;

struct SigningKey {
  jose::Key key;
  std::string kid;
};

// The first key of the bundle whose private half the file holds. Each stored key is read once;
// one that cannot be (an X.509 CA key of a type the harness does not sign with) is passed over.
std::optional<SigningKey> bundled_key(const Json& stored, const jose::JwkSet& bundle) {
  std::map<std::string, jose::Key> by_thumbprint;
  for (const Json& encoded : stored) {
    if (!encoded.is_string()) continue;
    const std::optional<std::string> der = codec::base64_decode(encoded.get<std::string>());
    if (!der) continue;
    try {
      jose::Key key = jose::Key::from_pkcs8_der(*der);
      by_thumbprint.emplace(key.thumbprint(), std::move(key));
    } catch (const jose::JoseError&) {
    }
  }
  for (const jose::Jwk& published : bundle.keys()) {
    const auto found = by_thumbprint.find(published.key.thumbprint());
    if (found != by_thumbprint.end()) return SigningKey{found->second, published.kid};
  }
  return std::nullopt;
}

}  // namespace

Json jwt_svid_claims(const std::string& spiffe_id, const Json& audience, int ttl) {
  const std::int64_t now = sync::unix_seconds();
  // nlohmann::json keeps its members sorted: aud, exp, iat, sub, as SPIRE writes them.
  return {{"aud", audience.is_array() ? audience : Json::array({audience})}, {"exp", now + ttl}, {"iat", now}, {"sub", spiffe_id}};
}

std::string svid_signed_with_spire_key(const std::filesystem::path& keys_file, const std::string& bundle,
                                       const std::string& spiffe_id, const Json& audience, int ttl) {
  const std::optional<std::string> text = fixtures::read_text_file(keys_file);
  if (!text) throw std::runtime_error("cannot read SPIRE's signing keys (" + keys_file.string() + ")");
  const Json stored = Json::parse(*text, nullptr, false);
  if (!stored.is_object() || !stored.contains("keys") || !stored["keys"].is_object()) {
    throw std::runtime_error(keys_file.string() + " is not SPIRE's disk key manager's file (no \"keys\" object)");
  }
  jose::JwkSet published;
  try {
    published = jose::JwkSet::from_json(bundle);
  } catch (const jose::JoseError& e) {
    throw std::runtime_error(std::string("the trust domain's JWT bundle cannot be read: ") + e.what());
  }
  const std::optional<SigningKey> signing = bundled_key(stored["keys"], published);
  if (!signing) {
    throw std::runtime_error(keys_file.string() + " holds no private key of the trust domain's JWT bundle (" +
                             std::to_string(published.keys().size()) + " keys)");
  }
  const jose::Alg alg = signing->key.type() == jose::KeyType::rsa ? jose::Alg::RS256 : jose::Alg::ES256;
  return jose::sign_jwt(signing->key, alg, jwt_svid_claims(spiffe_id, audience, ttl).dump(), signing->kid);
}

}  // namespace mcph::harness::scenario
