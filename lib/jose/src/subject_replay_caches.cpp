#include "mcph/jose/subject_replay_caches.h"

#include <algorithm>

namespace mcph::jose {

DpopReplayCache* SubjectReplayCaches::find(const std::string& subject) const {
  std::lock_guard lock(mutex_);
  const auto found = caches_.find(subject);
  return found == caches_.end() ? nullptr : found->second.get();
}

bool SubjectReplayCaches::seen(const std::string& subject, const VerifiedDpopProof& proof, std::int64_t now) const {
  const DpopReplayCache* cache = find(subject);
  return cache != nullptr && cache->contains(proof.jkt, proof.jti, now);
}

void SubjectReplayCaches::remember(const std::string& subject, const VerifiedDpopProof& proof, std::int64_t now) {
  DpopReplayCache* cache = nullptr;
  {
    std::lock_guard lock(mutex_);
    auto& slot = caches_[subject];
    if (!slot) slot = std::make_unique<DpopReplayCache>(per_subject_);
    cache = slot.get();  // never erased: it outlives the lock
  }
  remember_dpop_proof(proof, *cache, now);
}

std::int64_t SubjectReplayCaches::seconds_until_room(const std::string& subject, std::int64_t now) const {
  const DpopReplayCache* cache = find(subject);
  // An entry is dropped once its expiry is in the past.
  return std::max<std::int64_t>(1, cache == nullptr ? 1 : cache->first_expiry() + 1 - now);
}

}  // namespace mcph::jose
