#include "mcph/workload/agent_replay_caches.h"

#include <algorithm>

namespace mcph::workload {

jose::DpopReplayCache* AgentReplayCaches::find(const std::string& spiffe_id) const {
  std::lock_guard lock(mutex_);
  const auto found = caches_.find(spiffe_id);
  return found == caches_.end() ? nullptr : found->second.get();
}

bool AgentReplayCaches::seen(const std::string& spiffe_id, const jose::VerifiedDpopProof& proof, std::int64_t now) const {
  const jose::DpopReplayCache* cache = find(spiffe_id);
  return cache != nullptr && cache->contains(proof.jkt, proof.jti, now);
}

void AgentReplayCaches::remember(const std::string& spiffe_id, const jose::VerifiedDpopProof& proof, std::int64_t now) {
  jose::DpopReplayCache* cache = nullptr;
  {
    std::lock_guard lock(mutex_);
    auto& slot = caches_[spiffe_id];
    if (!slot) slot = std::make_unique<jose::DpopReplayCache>(per_agent_);
    cache = slot.get();  // never erased: it outlives the lock
  }
  jose::remember_dpop_proof(proof, *cache, now);
}

std::int64_t AgentReplayCaches::seconds_until_room(const std::string& spiffe_id, std::int64_t now) const {
  const jose::DpopReplayCache* cache = find(spiffe_id);
  // An entry is dropped once its expiry is in the past.
  return std::max<std::int64_t>(1, cache == nullptr ? 1 : cache->first_expiry() + 1 - now);
}

}  // namespace mcph::workload
