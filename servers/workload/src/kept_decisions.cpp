#include "mcph/workload/kept_decisions.h"

#include <iterator>

namespace mcph::workload {

KeptDecisions::KeptDecisions(std::chrono::milliseconds keep, std::size_t capacity)
    : keep_(keep), capacity_(capacity == 0 ? 1 : capacity) {}

std::optional<PolicyDecision> KeptDecisions::find(std::string_view query, Clock::time_point now) const {
  std::lock_guard lock(mutex_);
  const auto found = index_.find(query);
  if (found == index_.end() || now - found->second->asked_at >= keep_) return std::nullopt;
  return found->second->decision;
}

void KeptDecisions::keep(std::string_view query, Clock::time_point asked_at, const PolicyDecision& decision) {
  if (!decision.decided || keep_.count() <= 0) return;
  std::lock_guard lock(mutex_);
  if (const auto found = index_.find(query); found != index_.end()) {
    if (found->second->asked_at > asked_at) return;  // a later asking's decision is kept already
    const auto entry = found->second;
    index_.erase(found);
    entries_.erase(entry);
  }
  if (entries_.size() >= capacity_) {
    index_.erase(entries_.front().query);
    entries_.pop_front();
  }
  entries_.push_back(Entry{std::string(query), asked_at, decision});
  const auto added = std::prev(entries_.end());
  index_.emplace(added->query, added);
}

std::size_t KeptDecisions::size() const {
  std::lock_guard lock(mutex_);
  return entries_.size();
}

}  // namespace mcph::workload
