#pragma once
// Per-request latency as every latency program reports it: each iteration timed on its own,
// p50/p90/p99 as counters in microseconds (the load driver's percentile definition), items/s.
#include <benchmark/benchmark.h>

#include <algorithm>
#include <chrono>
#include <functional>
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

// A request a measured call makes behind the server (a Vault read, its backend's own request),
// made by the benchmark itself beside the call: `run` returns "" or why it failed.
struct RoundTrip {
  std::string name;  // its counter: <name>_p50_us
  std::function<std::string()> run;
};

// Like time_each_request, with the floor the request is measured against timed in the same
// iteration, just before it: `floor` (a keep-alive GET /health of the same server) returns ""
// or why it failed. Only the request's time counts as the iteration's (UseManualTime); the
// floor's p50 and the ratio of the two p50s are counters (floor_p50_us, floor_ratio).
// `round_trips`, the requests the call must make behind the server, are each timed in the same
// iteration too, between the floor and the request: their p50s are counters, and so are what is
// left of the request's p50 without them (own_p50_us) and that over the floor (own_floor_ratio):
// a warm call within 3 floors plus the round trips it must make has an own_floor_ratio ≤ 3.
template <typename Request, typename Floor>
void time_each_request_against_floor(benchmark::State& state, Request&& request, Floor&& floor,
                                     const std::vector<RoundTrip>& round_trips = {}) {
  using Clock = std::chrono::steady_clock;
  const auto micros_since = [](Clock::time_point start) {
    return std::chrono::duration<double, std::micro>(Clock::now() - start).count();
  };
  std::vector<double> micros, floor_micros;
  std::vector<std::vector<double>> round_trip_micros(round_trips.size());
  for (auto _ : state) {
    auto start = Clock::now();
    std::string failure = floor();
    floor_micros.push_back(micros_since(start));
    for (std::size_t i = 0; i < round_trips.size() && failure.empty(); ++i) {
      start = Clock::now();
      if (failure = round_trips[i].run(); !failure.empty()) failure = round_trips[i].name + ": " + failure;
      round_trip_micros[i].push_back(micros_since(start));
    }
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
  const auto p50_of = [](std::vector<double>& values) {
    std::sort(values.begin(), values.end());
    return harness::load::percentile_of_sorted(values, 0.50);
  };
  const double floor_p50 = p50_of(floor_micros);
  state.counters["floor_p50_us"] = floor_p50;
  state.counters["floor_ratio"] = state.counters["p50_us"] / floor_p50;
  if (!round_trips.empty()) {
    double behind = 0;
    for (std::size_t i = 0; i < round_trips.size(); ++i) {
      const double p50 = p50_of(round_trip_micros[i]);
      state.counters[round_trips[i].name + "_p50_us"] = p50;
      behind += p50;
    }
    const double own = state.counters["p50_us"] - behind;
    state.counters["own_p50_us"] = own;
    state.counters["own_floor_ratio"] = own / floor_p50;
  }
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
