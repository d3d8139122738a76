#include "mcph/bench/latency.h"

#include <algorithm>

namespace mcph::bench {

double p50_of(std::vector<double> values) {
  std::sort(values.begin(), values.end());
  return harness::load::percentile_of_sorted(values, 0.50);
}

OwnPart own_part_of(FloorSamples samples) {
  OwnPart part;
  part.floor_p50 = p50_of(std::move(samples.floor_us));
  part.call_p50 = p50_of(std::move(samples.call_us));
  for (auto& trip : samples.round_trip_us) part.round_trip_p50.push_back(p50_of(std::move(trip)));
  return part;
}

}  // namespace mcph::bench
