#include <algorithm>

#include "mcph/harness/load/load_driver.h"

namespace mcph::harness::load {
namespace {

// A report keeps a few distinct errors as samples, never one per failed call.
constexpr std::size_t kMaxSampleErrors = 5;

}  // namespace

double percentile_of_sorted(const std::vector<double>& sorted, double q) {
  if (sorted.empty()) return 0;
  q = std::clamp(q, 0.0, 1.0);
  return sorted[static_cast<std::size_t>(q * static_cast<double>(sorted.size() - 1))];
}

double LoadReport::percentile_ms(double q) const { return percentile_of_sorted(latencies_ms, q); }

void LoadReport::count(const CallRecord& record, bool answered, std::chrono::milliseconds slow_threshold) {
  ++calls;
  if (answered) latencies_ms.push_back(record.latency_ms);
  if (record.latency_ms > static_cast<double>(slow_threshold.count())) ++slow;
  if (record.ok) {
    ++ok;
  } else {
    ++failed;
    note_error(record.error);
  }
}

void LoadReport::note_error(const std::string& why) {
  if (sample_errors.size() >= kMaxSampleErrors) return;
  if (std::find(sample_errors.begin(), sample_errors.end(), why) == sample_errors.end()) sample_errors.push_back(why);
}

}  // namespace mcph::harness::load
