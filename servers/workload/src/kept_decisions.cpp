#include "mcph/workload/kept_decisions.h"

namespace mcph::workload {

KeptDecisions::KeptDecisions(std::chrono::milliseconds keep, std::size_t capacity)
    : keep_(keep), entries_(capacity) {}

std::optional<PolicyDecision> KeptDecisions::find(std::string_view query, Clock::time_point now) const {
  return entries_.read(query, [&](const Entry* entry) -> std::optional<PolicyDecision> {
    if (entry == nullptr || now - entry->asked_at >= keep_) return std::nullopt;
    return entry->decision;
  });
}

void KeptDecisions::keep(std::string_view query, Clock::time_point asked_at, const PolicyDecision& decision) {
  if (!decision.decided || keep_.count() <= 0) return;
  // A later asking's decision, kept already, stays.
  entries_.put_unless(query, Entry{asked_at, decision},
                      [asked_at](const Entry& kept) { return kept.asked_at > asked_at; });
}

std::size_t KeptDecisions::size() const { return entries_.size(); }

}  // namespace mcph::workload
