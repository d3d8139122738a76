// mcp-harness run: runs scenario files against a stack and writes the JUnit and HTML reports.
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <ctime>
#include <filesystem>

#include "commands.h"
#include "mcph/harness/scenario_loader.h"
#include "mcph/harness/scenario_runner.h"
#include "mcph/reports/html.h"
#include "mcph/reports/junit.h"
#include "stack_for_run.h"

namespace mcph::harness::cli {
namespace {

namespace fs = std::filesystem;

fs::path scenarios_dir() {
  if (const char* dir = std::getenv("MCPH_SCENARIOS_DIR"); dir && *dir) return dir;
  return MCPH_SOURCE_SCENARIOS_DIR;
}

// "rate-limit", "rate_limit" and "rate limit" name the same family.
std::string normalized(std::string name) {
  for (auto& c : name) c = (c == '-' || c == ' ') ? '_' : static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return name;
}


}  // namespace

int run_command(int argc, char** argv) {
  const std::string program = argv[0];
  mcph::cli::Flags flags(
      program,
      "Runs scenario files (default: every scenarios/*.yaml) against a stack and prints one line per\n"
      "scenario. Usage: " + program + " [FILES...] [flags]\n"
      "The stack: --stack FILE or --run-dir DIR; else the one `mcp-harness up` runs in .mcp-harness;\n"
      "else a local stack of its own, started for this run and stopped at its end.\n"
      "Exit code: 0 when every scenario passed (or was skipped), 1 when one failed or broke, 2 for\n"
      "usage errors.");
  add_run_stack_flags(flags);
  flags.repeated("family", "run only the files of this family (isolation, missing-credentials, ...); repeatable")
      .repeated("scenario", "run only the scenario with this name; repeatable")
      .option("junit", "", "write a JUnit XML report to this file")
      .option("html", "", "write a self-contained HTML report to this file")
      .option("traces", "", "write one trace per scenario file into this directory (for `mcp-harness replay`)");
  std::vector<char*> flag_args;
  std::vector<std::string> files = split_positional(argc, argv, flag_args);
  flags.parse(static_cast<int>(flag_args.size()), flag_args.data());
  if (const auto error = run_stack_flags_error(flags)) {
    std::fprintf(stderr, "%s: %s\nTry '%s --help'.\n", program.c_str(), error->c_str(), program.c_str());
    return 2;
  }

  if (files.empty()) {
    for (const auto& entry : fs::directory_iterator(scenarios_dir())) {
      if (entry.path().extension() == ".yaml") files.push_back(entry.path().string());
    }
    std::sort(files.begin(), files.end());
  }
  std::vector<ScenarioFile> loaded;
  try {
    for (const auto& file : files) loaded.push_back(load_scenario_file(file));
  } catch (const ScenarioError& e) {
    std::fprintf(stderr, "%s: %s\n", program.c_str(), e.what());
    return 2;
  }
  if (!flags.all("family").empty()) {
    std::vector<std::string> wanted;
    for (const auto& family : flags.all("family")) wanted.push_back(normalized(family));
    std::erase_if(loaded, [&](const ScenarioFile& file) {
      return std::find(wanted.begin(), wanted.end(), normalized(file.family)) == wanted.end() &&
             std::find(wanted.begin(), wanted.end(), normalized(file.suite)) == wanted.end();
    });
    if (loaded.empty()) {
      std::fprintf(stderr, "%s: no scenario file of family %s\n", program.c_str(), flags.all("family").front().c_str());
      return 2;
    }
  }

  for (const auto& name : flags.all("scenario")) {
    const bool known = std::any_of(loaded.begin(), loaded.end(), [&](const ScenarioFile& file) {
      return std::any_of(file.scenarios.begin(), file.scenarios.end(), [&](const Scenario& s) { return s.name == name; });
    });
    if (!known) {
      std::fprintf(stderr, "%s: no scenario named \"%s\" in the selected files\n", program.c_str(), name.c_str());
      return 2;
    }
  }

  reports::RunReport report;
  report.started_at = reports::utc_now();
  const auto started = std::chrono::steady_clock::now();
  try {
    StackForRun target = stack_for_run(flags, program);
    report.stack_mode = target.stack.mode;
    report.stack_file = target.stack_file;
    RunnerOptions options;
    options.fixtures_dir = flags.get("fixtures");
    options.trace_dir = flags.get("traces");
    options.progress = [](const std::string& line) {
      std::printf("%s\n", line.c_str());
      std::fflush(stdout);
    };
    ScenarioRunner runner(target.stack, options);
    for (const auto& file : loaded) {
      std::printf("== %s (%s): %zu scenarios\n", file.path.c_str(), file.family.c_str(), file.scenarios.size());
      std::fflush(stdout);
      report.suites.push_back(runner.run(file, flags.all("scenario")));
    }
    if (target.owned) {
      std::printf("stack: stopping the local stack of this run\n");
      target.owned->stop();
    }
  } catch (const std::exception& e) {
    std::fprintf(stderr, "%s: %s\n", program.c_str(), e.what());
    return 1;
  }
  report.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();

  try {
    if (!flags.get("junit").empty()) {
      reports::write_junit_file(report, flags.get("junit"));
      std::printf("JUnit report: %s\n", flags.get("junit").c_str());
    }
    if (!flags.get("html").empty()) {
      reports::write_html_file(report, flags.get("html"));
      std::printf("HTML report: %s\n", flags.get("html").c_str());
    }
  } catch (const std::exception& e) {
    std::fprintf(stderr, "%s: writing the reports: %s\n", program.c_str(), e.what());
    return 1;
  }
  const auto counts = report.counts();
  std::printf("%d scenarios: %d passed, %d failed, %d broken, %d skipped (%.1f s)\n", counts.tests, counts.passed,
              counts.failures, counts.errors, counts.skipped, report.seconds);
  for (const auto& suite : report.suites) {
    for (const auto& scenario : suite.scenarios) {
      if (scenario.status != reports::ScenarioResult::Status::failed &&
          scenario.status != reports::ScenarioResult::Status::error) {
        continue;
      }
      std::printf("  %s: %s — %s\n", reports::to_string(scenario.status), suite.name.c_str(), scenario.name.c_str());
      for (const auto& failure : scenario.failures) {
        std::printf("      step %s\n        expected %s\n        actual   %s\n", failure.step.c_str(),
                    failure.expectation.c_str(), failure.actual.c_str());
      }
      if (!scenario.message.empty()) std::printf("      %s\n", scenario.message.c_str());
    }
  }
  return report.ok() ? 0 : 1;
}

}  // namespace mcph::harness::cli
