#include "mcph/mock_backend/ledger.h"

#include <nlohmann/json.hpp>

#include <chrono>
#include <ctime>

namespace mcph::mock_backend {
namespace {

std::string now_rfc3339() {
  const auto now = std::chrono::system_clock::now();
  const std::time_t seconds = std::chrono::system_clock::to_time_t(now);
  const auto millis =
      std::chrono::duration_cast<std::chrono::milliseconds>(now.time_since_epoch()).count() % 1000;
  std::tm utc{};
  gmtime_r(&seconds, &utc);
  char buffer[64];
  std::snprintf(buffer, sizeof buffer, "%04d-%02d-%02dT%02d:%02d:%02d.%03dZ", utc.tm_year + 1900, utc.tm_mon + 1,
                utc.tm_mday, utc.tm_hour, utc.tm_min, utc.tm_sec, static_cast<int>(millis));
  return buffer;
}

}  // namespace

void Ledger::record(LedgerEntry entry) {
  entry.time = now_rfc3339();
  std::lock_guard lock(mutex_);
  entry.seq = next_seq_++;
  entries_.push_back(std::move(entry));
  while (entries_.size() > max_entries_) entries_.pop_front();
}

std::string Ledger::to_json(const std::optional<std::string>& trace_id) const {
  nlohmann::json out = nlohmann::json::array();
  std::lock_guard lock(mutex_);
  for (const auto& e : entries_) {
    if (trace_id && e.trace_id != *trace_id) continue;
    out.push_back({{"seq", e.seq}, {"time", e.time}, {"method", e.method}, {"route", e.route}, {"path", e.path},
                   {"credential_of", e.credential_of}, {"credential", e.credential}, {"scheme", e.scheme},
                   {"credential_field", e.credential_field},
                   {"status", e.status}, {"trace_id", e.trace_id}});
  }
  return out.dump();
}

void Ledger::clear() {
  std::lock_guard lock(mutex_);
  entries_.clear();
}

std::size_t Ledger::size() const {
  std::lock_guard lock(mutex_);
  return entries_.size();
}

}  // namespace mcph::mock_backend
