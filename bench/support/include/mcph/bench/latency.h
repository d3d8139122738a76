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

// Like time_each_request, with the floor the request is measured against timed in the same
// iteration, just before it: `floor` (a keep-alive GET /health of the same server) returns ""
// or why it failed. Only the request's time counts as the iteration's (UseManualTime); the
// floor's p50 and the ratio of the two p50s are counters (floor_p50_us, floor_ratio).
template <typename Request, typename Floor>
void time_each_request_against_floor(benchmark::State& state, Request&& request, Floor&& floor) {
  using Clock = std::chrono::steady_clock;
  std::vector<double> micros, floor_micros;
  for (auto _ : state) {
    auto start = Clock::now();
    std::string failure = floor();
    floor_micros.push_back(std::chrono::duration<double, std::micro>(Clock::now() - start).count());
    if (failure.empty()) {
      start = Clock::now();
      failure = request();
      const auto took = std::chrono::duration<double>(Clock::now() - start);
      micros.push_back(std::chrono::duration<double, std::micro>(took).count());
      state.SetIterationTime(took.count());
    }
    if (!failure.empty()) {
      state.SkipWithError(failure.c_str());
      break;
    }
  }
  report_percentiles(state, micros);
  if (micros.empty() || floor_micros.empty()) return;
  std::sort(floor_micros.begin(), floor_micros.end());
  const double floor_p50 = harness::load::percentile_of_sorted(floor_micros, 0.50);
  state.counters["floor_p50_us"] = floor_p50;
  state.counters["floor_ratio"] = state.counters["p50_us"] / floor_p50;
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
