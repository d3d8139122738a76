#pragma once
// Per-request latency as every latency program reports it: each iteration timed on its own,
// p50/p90/p99 as counters in microseconds (the load driver's percentile definition), items/s.
#include <benchmark/benchmark.h>

#include <algorithm>
#include <chrono>
#include <string>
#include <vector>

#include "mcph/harness/load/load_driver.h"

namespace mcph::bench {

inline void report_percentiles(benchmark::State& state, std::vector<double>& micros) {
  if (micros.empty()) return;
  std::sort(micros.begin(), micros.end());
  state.counters["p50_us"] = harness::load::percentile_of_sorted(micros, 0.50);
  state.counters["p90_us"] = harness::load::percentile_of_sorted(micros, 0.90);
  state.counters["p99_us"] = harness::load::percentile_of_sorted(micros, 0.99);
}

// Runs `request` once per iteration and times each; it returns "" on success, else why it
// failed (the benchmark then stops with that error).
template <typename Request>
void time_each_request(benchmark::State& state, Request&& request) {
  using Clock = std::chrono::steady_clock;
  std::vector<double> micros;
  for (auto _ : state) {
    const auto start = Clock::now();
    const std::string failure = request();
    micros.push_back(std::chrono::duration<double, std::micro>(Clock::now() - start).count());
    if (!failure.empty()) {
      state.SkipWithError(failure.c_str());
      break;
    }
  }
  report_percentiles(state, micros);
  state.SetItemsProcessed(state.iterations());
}

// Runs a benchmark body; a stack that cannot be brought up or reached, or a failing set-up,
// skips the benchmark with the reason instead of ending the program.
template <typename Body>
void skip_on_error(benchmark::State& state, Body&& body) {
  try {
    body();
  } catch (const std::exception& e) {
    state.SkipWithError(e.what());
  }
}

}  // namespace mcph::bench
