#include "mcph/reports/model.h"

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

}  // namespace mcph::reports
