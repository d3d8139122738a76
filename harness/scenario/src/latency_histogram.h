#pragma once
// Call latencies in fixed log-scale buckets, each 1 % wider than the one before, from 1 µs: a
// histogram of any number of calls in a few hundred counts, whose sum over several processes is
// exact, so that the percentiles of a sharded load come from the merged histogram (within 1 %),
// never from averaged percentiles.
#include <cstdint>
#include <map>
#include <nlohmann/json.hpp>

namespace mcph::harness::scenario {

class LatencyHistogram {
 public:
  void add(double ms);
  void merge(const LatencyHistogram& other);

  std::uint64_t count() const { return count_; }
  double max_ms() const { return max_ms_; }
  // The value at rank floor(q × (count − 1)) + 1 (the driver's nearest rank), as its bucket's
  // upper bound (never above the largest value seen); 0 when empty.
  double percentile_ms(double q) const;

  // {"count": N, "max_ms": M, "buckets": [[index, count], …]}
  nlohmann::json to_json() const;
  // Throws std::invalid_argument when `json` is not one (a bucket out of range, counts that do
  // not add up to `count`).
  static LatencyHistogram from_json(const nlohmann::json& json);

 private:
  std::map<int, std::uint64_t> buckets_;
  std::uint64_t count_ = 0;
  double max_ms_ = 0;
};

}  // namespace mcph::harness::scenario
