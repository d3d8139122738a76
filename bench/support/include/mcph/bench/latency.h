#pragma once
// Per-request latency as every latency program reports it: each iteration timed on its own,
// p50/p90/p99 as counters in microseconds (the load driver's percentile definition), items/s.
#include <benchmark/benchmark.h>

#include <algorithm>
#include <chrono>
#include <functional>
#include <numeric>
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

// The load driver's p50 of `values`.
double p50_of(std::vector<double> values);

// A call timed against its floor, iteration by iteration: in each, the floor (a keep-alive
// GET /health of the same server), then each round trip the call must make behind the server,
// then the call, each timed alone, in microseconds.
struct FloorSamples {
  std::vector<double> floor_us, call_us;
  std::vector<std::vector<double>> round_trip_us;  // one list per round trip, in their order
};

// The p50s of FloorSamples (the load driver's percentile) and what of the call is the server's
// own: the call less the round trips behind it, over the floor. A warm call within 3 floors plus
// the round trips it must make has an own_floor_ratio() ≤ 3.
struct OwnPart {
  double floor_p50 = 0, call_p50 = 0;
  std::vector<double> round_trip_p50;
  double behind_p50() const { return std::accumulate(round_trip_p50.begin(), round_trip_p50.end(), 0.0); }
  double own_p50() const { return call_p50 - behind_p50(); }
  double own_floor_ratio() const { return own_p50() / floor_p50; }
};
OwnPart own_part_of(FloorSamples samples);

// One iteration into `samples`: the floor, the round trips, the call; each returns "" or why it
// failed, and so does this (a round trip's failure prefixed with its name). A step that failed
// ends the iteration; what it took is kept, what did not run is not. `ready_call`, when set, runs
// untimed just before the call: the client's own work for it (a DPoP proof made ahead).
template <typename Call, typename Floor>
std::string time_once_against_floor(FloorSamples& samples, Call&& call, Floor&& floor,
                                    const std::vector<RoundTrip>& round_trips = {},
                                    const std::function<void()>& ready_call = {}) {
  using Clock = std::chrono::steady_clock;
  const auto micros_since = [](Clock::time_point start) {
    return std::chrono::duration<double, std::micro>(Clock::now() - start).count();
  };
  samples.round_trip_us.resize(round_trips.size());
  auto start = Clock::now();
  std::string failure = floor();
  samples.floor_us.push_back(micros_since(start));
  for (std::size_t i = 0; i < round_trips.size() && failure.empty(); ++i) {
    start = Clock::now();
    if (failure = round_trips[i].run(); !failure.empty()) failure = round_trips[i].name + ": " + failure;
    samples.round_trip_us[i].push_back(micros_since(start));
  }
  if (!failure.empty()) return failure;
  if (ready_call) ready_call();
  start = Clock::now();
  failure = call();
  samples.call_us.push_back(micros_since(start));
  return failure;
}

// Like time_each_request, with the floor and the round trips timed in the same iteration, just
// before the request, and `ready_call` untimed (time_once_against_floor); only the request's time
// counts as the iteration's (UseManualTime). Counters: the floor's p50 and the ratio of the two p50s
// (floor_p50_us, floor_ratio); each round trip's p50 (<name>_p50_us); the request's own part
// (own_p50_us: the request less its round trips, the request itself when it makes none) and that
// over the floor (own_floor_ratio).
template <typename Request, typename Floor>
void time_each_request_against_floor(benchmark::State& state, Request&& request, Floor&& floor,
                                     const std::vector<RoundTrip>& round_trips = {},
                                     const std::function<void()>& ready_call = {}) {
  FloorSamples samples;
  for (auto _ : state) {
    const std::string failure = time_once_against_floor(samples, request, floor, round_trips, ready_call);
    if (!failure.empty()) {
      state.SkipWithError(failure.c_str());
      break;
    }
    state.SetIterationTime(samples.call_us.back() / 1e6);
  }
  report_percentiles(state, samples.call_us);
  if (samples.call_us.empty()) return;
  const OwnPart part = own_part_of(std::move(samples));
  state.counters["floor_p50_us"] = part.floor_p50;
  state.counters["floor_ratio"] = part.call_p50 / part.floor_p50;
  for (std::size_t i = 0; i < round_trips.size(); ++i) state.counters[round_trips[i].name + "_p50_us"] = part.round_trip_p50[i];
  state.counters["own_p50_us"] = part.own_p50();
  state.counters["own_floor_ratio"] = part.own_floor_ratio();
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
