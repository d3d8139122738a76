#include "proof_keys.h"

namespace mcph::jose::detail {

ProofKey ProofKeys::key_of(const std::string& jwk_json, const std::function<Key()>& build) {
  {
    std::lock_guard lock(mutex_);
    if (const auto found = keys_.find(jwk_json); found != keys_.end()) return found->second;
  }
  Key key = build();
  ProofKey built{key, key.thumbprint()};
  std::lock_guard lock(mutex_);
  if (keys_.size() >= kCapacity) keys_.clear();
  keys_.emplace(jwk_json, built);
  return built;
}

std::size_t ProofKeys::size() const {
  std::lock_guard lock(mutex_);
  return keys_.size();
}

ProofKeys& proof_keys() {
  static ProofKeys keys;
  return keys;
}

}  // namespace mcph::jose::detail
