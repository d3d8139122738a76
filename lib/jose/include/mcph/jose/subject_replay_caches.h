#pragma once
// DPoP replay caches partitioned by caller: one per verified subject (an agent's SPIFFE ID, a
// user's sub), each holding at most `per_subject` live proofs, so one caller's proofs never take
// the room another's need. A server charges a proof only to a subject it has verified (and, where
// it has a rate limit or a tier, once the caller is admitted), so the caches are as many as its
// real callers. Thread-safe.
#include <cstddef>
#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <string>

#include "mcph/jose/dpop.h"

namespace mcph::jose {

class SubjectReplayCaches {
 public:
  explicit SubjectReplayCaches(std::size_t per_subject) : per_subject_(per_subject) {}

  // True when the subject's cache holds this proof, live at now; charges nothing.
  bool seen(const std::string& subject, const VerifiedDpopProof& proof, std::int64_t now) const;
  // Remembers the proof in the subject's cache. Throws DpopError: replayed, or
  // replay_cache_full (the subject holds per_subject live proofs).
  void remember(const std::string& subject, const VerifiedDpopProof& proof, std::int64_t now);
  // Seconds from now until the subject's cache drops its first entry (at least 1).
  std::int64_t seconds_until_room(const std::string& subject, std::int64_t now) const;

 private:
  DpopReplayCache* find(const std::string& subject) const;

  std::size_t per_subject_;
  mutable std::mutex mutex_;
  std::map<std::string, std::unique_ptr<DpopReplayCache>> caches_;
};

}  // namespace mcph::jose
