#pragma once
// The keys DPoP proofs carry in their `jwk` header, as built keys with their RFC 7638
// thumbprints. A client signs every proof with the same key, so each request would build the
// same EVP_PKEY from the same members and hash the same canonical JWK again: the built key is
// kept, keyed by the jwk's whole JSON text (its members sorted, as nlohmann::json writes an
// object), so that only a jwk with exactly the same members finds it. Only the building is
// saved: every proof's signature is still checked with the key, per request.
//
// Bounded: past kCapacity keys the whole set is forgotten (a flood of new keys costs each
// request what it cost before, never memory). Thread-safe.
#include <cstddef>
#include <functional>
#include <mutex>
#include <string>
#include <unordered_map>

#include "mcph/jose/key.h"

namespace mcph::jose::detail {

struct ProofKey {
  Key key;
  std::string thumbprint;
};

class ProofKeys {
 public:
  static constexpr std::size_t kCapacity = 1024;

  // The key of `jwk_json`, built by `build` (which may throw; nothing is kept then) the first time.
  ProofKey key_of(const std::string& jwk_json, const std::function<Key()>& build);
  std::size_t size() const;

 private:
  mutable std::mutex mutex_;
  std::unordered_map<std::string, ProofKey> keys_;
};

// The process's set, shared by every proof check.
ProofKeys& proof_keys();

}  // namespace mcph::jose::detail
