#include "mcph/reports/model.h"

#include <cmath>
#include <cstdio>
#include <ctime>

namespace mcph::reports {

std::string utc_timestamp(long long seconds_since_epoch) {
  const std::time_t t = static_cast<std::time_t>(seconds_since_epoch);
  std::tm utc{};
  gmtime_r(&t, &utc);
  char buffer[32];
  std::strftime(buffer, sizeof buffer, "%Y-%m-%dT%H:%M:%SZ", &utc);
  return buffer;
}

std::string utc_now() { return utc_timestamp(std::time(nullptr)); }

const char* to_string(ScenarioResult::Status status) {
  switch (status) {
    case ScenarioResult::Status::passed: return "passed";
    case ScenarioResult::Status::failed: return "failed";
    case ScenarioResult::Status::skipped: return "skipped";
    case ScenarioResult::Status::error: return "error";
  }
  return "error";  // a value outside the enum: treat it as broken, never as passed
}

namespace {

void add(Counts& counts, ScenarioResult::Status status) {
  ++counts.tests;
  switch (status) {
    case ScenarioResult::Status::passed: ++counts.passed; break;
    case ScenarioResult::Status::failed: ++counts.failures; break;
    case ScenarioResult::Status::skipped: ++counts.skipped; break;
    default: ++counts.errors; break;
  }
}

}  // namespace

Counts SuiteResult::counts() const {
  Counts counts;
  for (const ScenarioResult& scenario : scenarios) add(counts, scenario.status);
  return counts;
}

double SuiteResult::seconds() const {
  double total = 0;
  for (const ScenarioResult& scenario : scenarios) {
    if (scenario.seconds > 0) total += scenario.seconds;
  }
  return total;
}

Counts RunReport::counts() const {
  Counts counts;
  for (const SuiteResult& suite : suites) {
    for (const ScenarioResult& scenario : suite.scenarios) add(counts, scenario.status);
  }
  return counts;
}

bool RunReport::ok() const {
  const Counts all = counts();
  return all.failures == 0 && all.errors == 0;
}

// "412 ms", "3.21 s", "2 min 05 s"
std::string human_duration(double seconds) {
  if (!std::isfinite(seconds) || seconds < 0) seconds = 0;
  if (seconds < 1) return std::to_string(static_cast<long>(std::lround(seconds * 1000))) + " ms";
  if (seconds < 60) {
    char text[32];
    std::snprintf(text, sizeof text, "%.2f s", seconds);
    return text;
  }
  const long total = std::lround(seconds);
  const long minutes = total / 60;
  const long rest = total % 60;
  return std::to_string(minutes) + " min " + (rest < 10 ? "0" : "") + std::to_string(rest) + " s";
}

// "2025-05-01T12:00:00Z" → "2025-05-01 12:00:00 UTC"; anything else as it is.
std::string readable_time(const std::string& iso) {
  const bool shaped = iso.size() >= 20 && iso[4] == '-' && iso[7] == '-' && iso[10] == 'T' &&
                      iso[13] == ':' && iso[16] == ':' && iso.back() == 'Z';
  if (!shaped) return iso;
  return iso.substr(0, 10) + " " + iso.substr(11, 8) + " UTC";
}

}  // namespace mcph::reports
