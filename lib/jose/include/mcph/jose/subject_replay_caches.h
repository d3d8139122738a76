#pragma once
// workload-mcp's DPoP replay caches: one per agent (its verified SPIFFE ID), each holding at most
// `per_agent` live proofs. The server charges a proof to its agent's cache only once the agent is
// admitted (it has a tier and is within its rate limit), so one agent's proofs never take the
// room another's need, and the caches are as many as the agents with a tier. Thread-safe.
#include <cstddef>
#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <string>

#include "mcph/jose/dpop.h"

namespace mcph::workload {

class AgentReplayCaches {
 public:
  explicit AgentReplayCaches(std::size_t per_agent) : per_agent_(per_agent) {}

  // True when the agent's cache holds this proof, live at now; charges nothing.
  bool seen(const std::string& spiffe_id, const jose::VerifiedDpopProof& proof, std::int64_t now) const;
  // Remembers the proof in the agent's cache. Throws jose::DpopError: replayed, or
  // replay_cache_full (the agent holds per_agent live proofs).
  void remember(const std::string& spiffe_id, const jose::VerifiedDpopProof& proof, std::int64_t now);
  // Seconds from now until the agent's cache drops its first entry (at least 1).
  std::int64_t seconds_until_room(const std::string& spiffe_id, std::int64_t now) const;

 private:
  jose::DpopReplayCache* find(const std::string& spiffe_id) const;

  std::size_t per_agent_;
  mutable std::mutex mutex_;
  std::map<std::string, std::unique_ptr<jose::DpopReplayCache>> caches_;
};

}  // namespace mcph::workload
