#include "mcph/reports/model.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <ctime>
#include <set>

#include "mcph/reports/tally.h"

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

const char* to_string(Check::Verdict verdict) {
  switch (verdict) {
    case Check::Verdict::held: return "held";
    case Check::Verdict::failed: return "failed";
    case Check::Verdict::inconclusive: return "inconclusive";
    case Check::Verdict::bounded: return "bounded";
  }
  return "inconclusive";  // a value outside the enum: never a pass
}

bool is_inconclusive(const ScenarioResult& scenario) {
  return scenario.status == ScenarioResult::Status::error && scenario.message.starts_with(kInconclusivePrefix);
}

bool is_accepted(const ScenarioResult& scenario) {
  return scenario.status == ScenarioResult::Status::failed && !scenario.findings.empty() &&
         std::all_of(scenario.findings.begin(), scenario.findings.end(),
                     [](const Finding& finding) { return !finding.accepted.empty(); });
}

std::string status_text(const ScenarioResult& scenario) {
  if (is_accepted(scenario)) return "accepted";
  return is_inconclusive(scenario) ? "inconclusive" : to_string(scenario.status);
}

std::vector<std::string> undecided_checks(const ScenarioResult& scenario) {
  std::vector<std::string> undecided;
  for (const StepRecord& step : scenario.steps) {
    for (const Check& check : step.checks) {
      if (check.verdict == Check::Verdict::inconclusive) {
        undecided.push_back(step.title + ": " + check.expectation + " — " + check.actual);
      }
    }
  }
  return undecided;
}

namespace {

std::string counted(int count, std::string_view one, std::string_view many) {
  return std::to_string(count) + " " + std::string(count == 1 ? one : many);
}

}  // namespace

std::string to_string(const FindingCounts& counts) {
  return counted(counts.properties, "property", "properties") + " broken (" +
         counted(counts.findings, "finding", "findings") + " in " + counted(counts.scenarios, "scenario", "scenarios") +
         ") on " + counted(counts.servers, "server", "servers");
}

std::string to_string(const Counts& counts) {
  return counted(counts.tests, "scenario", "scenarios") + ": " + std::to_string(counts.passed) + " passed, " +
         std::to_string(counts.failures) + " failed" +
         (counts.accepted > 0 ? " (" + std::to_string(counts.accepted) + " accepted by the baseline)" : "") + ", " + std::to_string(counts.errors - counts.inconclusive) +
         " broken, " + (counts.inconclusive > 0 ? std::to_string(counts.inconclusive) + " inconclusive, " : "") +
         std::to_string(counts.skipped) + " skipped";
}

std::vector<StatusCount> status_counts(const std::vector<int>& statuses) {
  std::vector<StatusCount> counts;
  for (const int status : statuses) {
    const auto it = std::find_if(counts.begin(), counts.end(), [&](const StatusCount& c) { return c.status == status; });
    if (it == counts.end()) {
      counts.push_back({status, 1});
    } else {
      ++it->count;
    }
  }
  return counts;
}

std::string burst_summary(const std::vector<int>& statuses) {
  std::vector<std::pair<std::string, int>> counts;
  for (const StatusCount& item : status_counts(statuses)) {
    counts.emplace_back(item.status == 0 ? "no answer" : std::to_string(item.status), item.count);
  }
  return tally_line(statuses.size(), counts);
}

std::vector<Failure> failures_of(const StepRecord& step) {
  std::vector<Failure> failures;
  for (const Check& check : step.checks) {
    if (check.verdict != Check::Verdict::failed) continue;
    failures.push_back({step.title, check.where.empty() ? check.expectation : check.expectation + " (" + check.where + ")",
                        check.actual});
  }
  return failures;
}

namespace {

void add(Counts& counts, const ScenarioResult& scenario) {
  ++counts.tests;
  switch (scenario.status) {
    case ScenarioResult::Status::passed: ++counts.passed; break;
    case ScenarioResult::Status::failed: ++counts.failures; break;
    case ScenarioResult::Status::skipped: ++counts.skipped; break;
    default: ++counts.errors; break;
  }
  if (is_inconclusive(scenario)) ++counts.inconclusive;
  if (is_accepted(scenario)) ++counts.accepted;
}

}  // namespace

Counts SuiteResult::counts() const {
  Counts counts;
  for (const ScenarioResult& scenario : scenarios) add(counts, scenario);
  return counts;
}

double SuiteResult::seconds() const {
  double total = 0;
  for (const ScenarioResult& scenario : scenarios) {
    if (scenario.seconds > 0) total += scenario.seconds;
  }
  return total;
}

FindingCounts RunReport::finding_counts() const {
  std::set<std::string> properties, servers;
  FindingCounts counts;
  for (const SuiteResult& suite : suites) {
    for (const ScenarioResult& scenario : suite.scenarios) {
      for (const Finding& finding : scenario.findings) {
        properties.insert(finding.property_key());
        servers.insert(finding.server);
      }
      counts.findings += static_cast<int>(scenario.findings.size());
      if (!scenario.findings.empty()) ++counts.scenarios;
    }
  }
  counts.properties = static_cast<int>(properties.size());
  counts.servers = static_cast<int>(servers.size());
  return counts;
}

Counts RunReport::counts() const {
  Counts counts;
  for (const SuiteResult& suite : suites) {
    for (const ScenarioResult& scenario : suite.scenarios) add(counts, scenario);
  }
  return counts;
}

bool RunReport::ok() const {
  const Counts all = counts();
  return all.failures == all.accepted && all.errors == 0;
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
