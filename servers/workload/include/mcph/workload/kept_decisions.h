#pragma once
// Policy decisions kept for a short, stated time, so that the same question asked again within
// it is not asked of OPA again. The key is the whole query as sent (`{"input": …}`): a decision is
// reused only for exactly the input the policy decided on, and the policy reads nothing of a call
// that is not in its input. What can still change the answer is the policy and its data, so a kept
// decision is used for at most `keep` after it was asked (not after it came back), and only a
// decision the policy made is kept: a failure to get one never is. Bounded: past `capacity`
// questions the oldest is forgotten. Thread-safe.
#include <chrono>
#include <cstddef>
#include <optional>
#include <string_view>

#include "mcph/sync/bounded_map.h"
#include "mcph/workload/policy_client.h"

namespace mcph::workload {

class KeptDecisions {
 public:
  using Clock = std::chrono::steady_clock;

  KeptDecisions(std::chrono::milliseconds keep, std::size_t capacity);

  // The decision asked with `query` less than `keep` before `now`, if one is kept.
  std::optional<PolicyDecision> find(std::string_view query, Clock::time_point now) const;
  // Keeps `decision`, asked with `query` at `asked_at`; a failed one is not kept.
  void keep(std::string_view query, Clock::time_point asked_at, const PolicyDecision& decision);
  std::size_t size() const;

 private:
  struct Entry {
    Clock::time_point asked_at;
    PolicyDecision decision;
  };
  std::chrono::milliseconds keep_;
  sync::BoundedMap<Entry> entries_;  // by query
};

}  // namespace mcph::workload
