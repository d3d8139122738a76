#include "jwt_authority.h"

#include <algorithm>
#include <stdexcept>

#include "mcph/jose/jwk.h"
#include "mcph/openssl/crypto.h"

namespace mcph::mock_spiffe {
namespace {

constexpr std::string_view kAlnum = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";

}  // namespace

std::string_view to_string(KeyState state) {
  switch (state) {
    case KeyState::prepared: return "prepared";
    case KeyState::active: return "active";
    case KeyState::retired: return "retired";
  }
  return "unknown";
}

JwtAuthority::JwtAuthority(jose::Alg alg, std::int64_t refresh_hint_seconds, std::int64_t now)
    : alg_(alg), refresh_hint_(refresh_hint_seconds) {
  if (alg != jose::Alg::ES256 && alg != jose::Alg::RS256) throw std::invalid_argument("JWT-SVIDs are ES256 or RS256");
  AuthorityKey first = make_key(now);
  first.state = KeyState::active;
  keys_.push_back(std::move(first));
}

AuthorityKey JwtAuthority::make_key(std::int64_t now) const {
  // SPIRE's JWT key ids are 32 random alphanumerics.
  return AuthorityKey{openssl::random_text(kAlnum, 32),
                      alg_ == jose::Alg::ES256 ? jose::Key::generate_ec_p256() : jose::Key::generate_rsa(2048),
                      KeyState::prepared, now, 0};
}

const AuthorityKey& JwtAuthority::prepare(std::int64_t now) {
  drop_expired_retired(now);
  for (const AuthorityKey& key : keys_) {
    if (key.state == KeyState::prepared) return key;
  }
  keys_.push_back(make_key(now));
  ++sequence_;
  return keys_.back();
}

const AuthorityKey& JwtAuthority::activate(std::int64_t now) {
  const std::string next = prepare(now).kid;
  for (AuthorityKey& key : keys_) {
    if (key.state == KeyState::active) key.state = KeyState::retired;
  }
  AuthorityKey& activated = *std::find_if(keys_.begin(), keys_.end(), [&](const AuthorityKey& key) { return key.kid == next; });
  activated.state = KeyState::active;
  drop_expired_retired(now);  // a retired key that signed nothing goes at once
  return activated;
}

bool JwtAuthority::remove(const std::string& kid, std::int64_t now) {
  drop_expired_retired(now);
  const auto found = std::find_if(keys_.begin(), keys_.end(), [&](const AuthorityKey& key) { return key.kid == kid; });
  if (found == keys_.end()) return false;
  keys_.erase(found);
  ++sequence_;
  return true;
}

MintedSvid JwtAuthority::mint(const std::string& spiffe_id, const std::vector<std::string>& audience,
                              std::int64_t ttl_seconds, std::int64_t now) {
  const auto active = std::find_if(keys_.begin(), keys_.end(), [](const AuthorityKey& key) { return key.state == KeyState::active; });
  if (active == keys_.end()) throw std::logic_error("the trust domain has no active JWT signing key");
  MintedSvid svid;
  svid.kid = active->kid;
  svid.issued_at = now;
  svid.expires_at = now + ttl_seconds;
  nlohmann::ordered_json claims;
  claims["aud"] = audience;
  claims["exp"] = svid.expires_at;
  claims["iat"] = svid.issued_at;
  claims["sub"] = spiffe_id;
  svid.token = jose::sign_jwt(active->key, alg_, claims.dump(), active->kid);
  active->last_svid_expiry = std::max(active->last_svid_expiry, svid.expires_at);
  return svid;
}

nlohmann::ordered_json JwtAuthority::bundle(std::int64_t now) {
  drop_expired_retired(now);
  nlohmann::ordered_json keys = nlohmann::ordered_json::array();
  for (const AuthorityKey& key : keys_) {
    // SPIRE's order of members: use, kid, then the key's own (no alg: a bundle's JWK has none).
    const nlohmann::ordered_json jwk = nlohmann::ordered_json::parse(jose::Jwk{key.key.public_only(), {}, std::nullopt, {}}.to_public_json());
    nlohmann::ordered_json entry = {{"use", "jwt-svid"}, {"kid", key.kid}};
    for (const auto& [name, value] : jwk.items()) entry[name] = value;
    keys.push_back(std::move(entry));
  }
  return {{"keys", std::move(keys)},
          {"spiffe_sequence", sequence_},
          {"spiffe_refresh_hint", refresh_hint_}};
}

nlohmann::ordered_json JwtAuthority::key_listing(std::int64_t now) {
  drop_expired_retired(now);
  nlohmann::ordered_json keys = nlohmann::ordered_json::array();
  for (const AuthorityKey& key : keys_) {
    nlohmann::ordered_json entry = {{"kid", key.kid}, {"state", to_string(key.state)}, {"created", key.created}};
    if (key.last_svid_expiry != 0) entry["last_svid_expiry"] = key.last_svid_expiry;
    keys.push_back(std::move(entry));
  }
  return {{"keys", std::move(keys)}, {"spiffe_sequence", sequence_}};
}

void JwtAuthority::drop_expired_retired(std::int64_t now) {
  const auto before = keys_.size();
  keys_.erase(std::remove_if(keys_.begin(), keys_.end(),
                             [now](const AuthorityKey& key) {
                               return key.state == KeyState::retired && key.last_svid_expiry <= now;
                             }),
              keys_.end());
  if (keys_.size() != before) ++sequence_;
}

}  // namespace mcph::mock_spiffe
