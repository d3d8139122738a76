#include "run_summary.h"

#include <filesystem>
#include <map>

#include "configuration_check.h"
#include "mcph/reports/taxonomy.h"

namespace mcph::harness::cli {
namespace {

// "2 error, 1 warning": the findings of a failed or broken scenario by their level, error first.
std::string by_level(const reports::RunReport& report) {
  std::map<std::string_view, int> counts;
  for (const auto& suite : report.suites) {
    for (const auto& scenario : suite.scenarios) {
      for (const auto& finding : scenario.findings) {
        if (!finding.bounded()) ++counts[reports::level(finding)];
      }
    }
  }
  std::string out;
  for (const std::string_view level : {"error", "warning", "note"}) {
    if (counts[level] == 0) continue;
    out += (out.empty() ? "" : ", ") + std::to_string(counts[level]) + " " + std::string(level);
  }
  return out;
}

// What the baseline did: how many findings it accepts, and each entry stale or expired.
std::string baseline_summary(const reports::RunReport& report) {
  if (!report.baseline) return "";
  const reports::BaselineUse& use = *report.baseline;
  std::string out = "  baseline " + use.file + ": " + std::to_string(use.accepted) + " accepted finding" +
                    (use.accepted == 1 ? "" : "s") + "\n";
  for (const auto& entry : use.expired) out += "    expired, the finding is new again: " + entry + "\n";
  for (const auto& entry : use.stale) out += "    stale, no finding matches it: " + entry + "\n";
  return out;
}

// The text as one word of a POSIX shell: in single quotes, a quote inside written '\''.
std::string shell_word(const std::string& text) {
  std::string word = "'";
  for (const char c : text) word += c == '\'' ? std::string("'\\''") : std::string(1, c);
  return word + "'";
}

// " --seed N" (and " --shuffle"): what repeats the run's order and its faults' draws.
std::string seed_flags_of(const reports::RunReport& report) {
  if (report.seed.empty()) return "";
  return " --seed " + report.seed + (report.shuffled ? " --shuffle" : "");
}

// The commands that run the scenario again, `stack_flag` naming the stack while it still runs and
// `seed_flags` the run's seed, and its recorded trace's replay when the run kept one. In a shuffled
// run the scenarios before it may be why it failed: the command runs its whole file, in the order
// the seed gives it (run_order.h), rather than the scenario alone.
std::string again(const reports::SuiteResult& suite, const reports::ScenarioResult& scenario, const std::string& stack_flag,
                  const std::string& seed_flags, bool shuffled) {
  if (suite.file.empty()) return "";
  std::string out = "      again: mcp-harness run " + shell_word(suite.file) +
                    (shuffled ? std::string() : " --scenario " + shell_word(scenario.name)) + stack_flag + seed_flags + "\n";
  if (!scenario.trace_file.empty()) out += "      replay: mcp-harness replay " + shell_word(scenario.trace_file) + "\n";
  return out;
}

// " --stack '<file>'" while the run's stack file still exists (a stack the run started is gone).
std::string stack_flag_of(const reports::RunReport& report) {
  std::error_code error;
  if (report.stack_file.empty() || !std::filesystem::exists(report.stack_file, error)) return "";
  return " --stack " + shell_word(report.stack_file);
}

}  // namespace

std::string run_summary(const reports::RunReport& report) {
  using Status = reports::ScenarioResult::Status;
  std::string out;
  const std::string stack_flag = stack_flag_of(report);
  const std::string seed_flags = seed_flags_of(report);
  if (const reports::FindingCounts findings = report.finding_counts(); findings.findings > 0) {
    out += "  findings: " + to_string(findings) + "\n";
    if (const std::string levels = by_level(report); !levels.empty()) out += "  findings by level: " + levels + "\n";
  }
  for (const auto& suite : report.suites) {
    for (const auto& scenario : suite.scenarios) {
      const std::string named = suite.name + " — " + scenario.name;
      if (scenario.status == Status::passed) {
        for (const auto& finding : scenario.findings) {  // bounded ones: what a pass still shows
          out += "  bounded finding: " + named + "\n      on " + finding.server + ": " + finding.property + ", " +
                 finding.bound + "\n";
        }
      }
      if (scenario.status != Status::failed && scenario.status != Status::error) continue;
      out += "  " + reports::status_text(scenario) + ": " + named + "\n";
      for (const auto& failure : scenario.failures) {
        out += "      step " + failure.step + "\n        expected " + failure.expectation + "\n        actual   " +
               failure.actual + "\n";
      }
      for (const auto& finding : scenario.findings) {
        const std::string_view level = reports::level(finding);
        out += "      " + (level == "error" ? std::string() : std::string(level) + " ") + "finding on " + finding.server + ": " + finding.property + " (" + finding.evidence + ")\n";
        if (!finding.accepted.empty()) out += "        accepted " + finding.accepted + "\n";
      }
      for (const auto& undecided : reports::undecided_checks(scenario)) out += "      cannot tell: " + undecided + "\n";
      // An inconclusive scenario's message only repeats its first undecided check, when it has one;
      // else (a step not reached, a control step failed) it is the reason.
      const bool repeats = reports::is_inconclusive(scenario) && !reports::undecided_checks(scenario).empty();
      if (!scenario.message.empty() && !repeats) out += "      " + scenario.message + "\n";
      out += again(suite, scenario, stack_flag, seed_flags, report.shuffled);
    }
  }
  if (nothing_ran(report)) {
    out += "  nothing ran: every scenario selected was skipped (each says why above), so nothing was tested\n";
  }
  return out + baseline_summary(report);
}

bool nothing_ran(const reports::RunReport& report) {
  for (const auto& suite : report.suites) {
    if (suite.name == kConfigurationSuite) continue;
    for (const auto& scenario : suite.scenarios) {
      if (scenario.status != reports::ScenarioResult::Status::skipped) return false;
    }
  }
  return true;
}

int run_exit_code(const reports::RunReport& report, bool strict_baseline) {
  const reports::Counts counts = report.counts();
  if (counts.failures > counts.accepted || counts.errors > counts.inconclusive) return 1;
  if (strict_baseline && report.baseline && !report.baseline->stale.empty()) return 1;
  if (nothing_ran(report)) return kExitNothingRan;
  return counts.inconclusive > 0 ? kExitInconclusive : 0;
}

}  // namespace mcph::harness::cli
