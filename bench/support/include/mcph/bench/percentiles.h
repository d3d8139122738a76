#pragma once
// Per-request latency percentiles as benchmark counters (p50_us, p90_us, p99_us), so every
// latency program reports them the same way (the load driver's percentile definition).
#include <benchmark/benchmark.h>

#include <algorithm>
#include <vector>

#include "mcph/harness/load_driver.h"

namespace mcph::bench {

inline void report_percentiles(benchmark::State& state, std::vector<double>& micros) {
  if (micros.empty()) return;
  std::sort(micros.begin(), micros.end());
  state.counters["p50_us"] = harness::load::percentile_of_sorted(micros, 0.50);
  state.counters["p90_us"] = harness::load::percentile_of_sorted(micros, 0.90);
  state.counters["p99_us"] = harness::load::percentile_of_sorted(micros, 0.99);
}

}  // namespace mcph::bench
