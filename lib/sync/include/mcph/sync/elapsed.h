#pragma once
// Elapsed time in milliseconds, as the reports, traces and benchmarks show it: one definition
// for every timing the project takes with the steady clock.
#include <chrono>

namespace mcph::sync {

using SteadyClock = std::chrono::steady_clock;

inline double ms_between(SteadyClock::time_point from, SteadyClock::time_point to) {
  return std::chrono::duration<double, std::milli>(to - from).count();
}
inline double ms_since(SteadyClock::time_point start) { return ms_between(start, SteadyClock::now()); }
// A duration of any clock, in milliseconds.
template <typename Rep, typename Period>
double in_ms(std::chrono::duration<Rep, Period> duration) {
  return std::chrono::duration<double, std::milli>(duration).count();
}

}  // namespace mcph::sync
