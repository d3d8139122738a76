#include "latency_histogram.h"

#include <algorithm>
#include <cmath>
#include <stdexcept>

namespace mcph::harness::scenario {
namespace {

constexpr double kSmallestMs = 0.001;
constexpr double kGrowth = 1.01;
// 1 µs × 1.01^3000 is far beyond any call's timeout.
constexpr int kLastBucket = 3000;

int bucket_of(double ms) {
  if (!(ms > kSmallestMs)) return 0;
  const double index = std::ceil(std::log(ms / kSmallestMs) / std::log(kGrowth));
  return static_cast<int>(std::min<double>(index, kLastBucket));
}

double upper_bound_of(int bucket) { return kSmallestMs * std::pow(kGrowth, bucket); }

}  // namespace

void LatencyHistogram::add(double ms) {
  ++buckets_[bucket_of(ms)];
  ++count_;
  max_ms_ = std::max(max_ms_, ms);
}

void LatencyHistogram::merge(const LatencyHistogram& other) {
  for (const auto& [bucket, count] : other.buckets_) buckets_[bucket] += count;
  count_ += other.count_;
  max_ms_ = std::max(max_ms_, other.max_ms_);
}

double LatencyHistogram::percentile_ms(double q) const {
  if (count_ == 0) return 0;
  q = std::clamp(q, 0.0, 1.0);
  const auto rank = static_cast<std::uint64_t>(q * static_cast<double>(count_ - 1)) + 1;
  std::uint64_t seen = 0;
  for (const auto& [bucket, count] : buckets_) {
    seen += count;
    if (seen >= rank) return std::min(upper_bound_of(bucket), max_ms_);
  }
  return max_ms_;
}

nlohmann::json LatencyHistogram::to_json() const {
  nlohmann::json buckets = nlohmann::json::array();
  for (const auto& [bucket, count] : buckets_) buckets.push_back({bucket, count});
  return {{"count", count_}, {"max_ms", max_ms_}, {"buckets", buckets}};
}

LatencyHistogram LatencyHistogram::from_json(const nlohmann::json& json) {
  const auto bad = [](const std::string& why) { return std::invalid_argument("a latency histogram: " + why); };
  if (!json.is_object() || !json.contains("buckets") || !json["buckets"].is_array()) throw bad("expected {count, max_ms, buckets}");
  LatencyHistogram histogram;
  for (const auto& pair : json["buckets"]) {
    if (!pair.is_array() || pair.size() != 2 || !pair[0].is_number_integer() || !pair[1].is_number_unsigned()) {
      throw bad("a bucket is not [index, count]");
    }
    const int bucket = pair[0].get<int>();
    if (bucket < 0 || bucket > kLastBucket) throw bad("bucket " + std::to_string(bucket) + " out of range");
    histogram.buckets_[bucket] += pair[1].get<std::uint64_t>();
    histogram.count_ += pair[1].get<std::uint64_t>();
  }
  if (json.value("count", std::uint64_t{0}) != histogram.count_) throw bad("its buckets do not add up to its count");
  const auto& max = json.value("max_ms", nlohmann::json(0));
  histogram.max_ms_ = max.is_number() ? max.get<double>() : 0;
  return histogram;
}

}  // namespace mcph::harness::scenario
