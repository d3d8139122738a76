#pragma once
// The trust domain's JWT authority: its signing keys, the JWT bundle it publishes, and the
// JWT-SVIDs it mints. A key is published before it signs and stays published until the last
// SVID it signed has expired, as SPIRE's prepare → activate → retire rotation does:
//
//   prepared  published in the bundle, not signing yet (relying parties fetch it ahead)
//   active    published, signs every new SVID (one at most)
//   retired   published until the SVIDs it signed have expired, then dropped
//
// A key may also be removed at once (a compromised key), whatever its state. Not thread-safe:
// the mock's state lock guards it. Every time is passed in, in seconds since the epoch.
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "mcph/jose/jws.h"
#include "mcph/jose/key.h"

namespace mcph::mock_spiffe {

enum class KeyState { prepared, active, retired };
std::string_view to_string(KeyState state);

struct AuthorityKey {
  std::string kid;
  jose::Key key;
  KeyState state = KeyState::prepared;
  std::int64_t created = 0;
  std::int64_t last_svid_expiry = 0;  // the latest exp of an SVID it signed; 0 = none
};

struct MintedSvid {
  std::string token;
  std::string kid;
  std::int64_t issued_at = 0;
  std::int64_t expires_at = 0;
};

class JwtAuthority {
 public:
  // Starts with one active key. alg: ES256 (SPIRE's default) or RS256.
  JwtAuthority(jose::Alg alg, std::int64_t refresh_hint_seconds, std::int64_t now);

  // A new key, published and not signing. One prepared key at most: preparing again returns the
  // one there is. The bundle's sequence number goes up.
  const AuthorityKey& prepare(std::int64_t now);
  // The prepared key (prepared now when there is none) signs from now on; the active one
  // retires.
  const AuthorityKey& activate(std::int64_t now);
  // Drops the key at once, whatever its state; false when there is none of that kid. Without
  // an active key nothing can be minted until the next activate.
  bool remove(const std::string& kid, std::int64_t now);

  // Signs {sub, aud (an array, as SPIRE writes it), exp, iat} with the active key; header
  // {alg, kid, typ: JWT}. Throws std::logic_error when no key is active.
  MintedSvid mint(const std::string& spiffe_id, const std::vector<std::string>& audience, std::int64_t ttl_seconds,
                  std::int64_t now);

  // SPIRE's bundle endpoint document: {"keys": [{use: jwt-svid, kid, kty, …}], spiffe_sequence,
  // spiffe_refresh_hint}. Retired keys whose SVIDs have all expired are dropped first.
  nlohmann::ordered_json bundle(std::int64_t now);
  // Every key with its state, for the admin API.
  nlohmann::ordered_json key_listing(std::int64_t now);
  std::uint64_t sequence() const { return sequence_; }

 private:
  AuthorityKey make_key(std::int64_t now) const;
  void drop_expired_retired(std::int64_t now);

  jose::Alg alg_;
  std::int64_t refresh_hint_;
  std::uint64_t sequence_ = 1;
  std::vector<AuthorityKey> keys_;
};

}  // namespace mcph::mock_spiffe
