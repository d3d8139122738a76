// mcp-harness merge: the result directories of a sharded run's workers into one verdict and one
// set of reports (docs/sharding.md).
#include <cstdio>
#include <fstream>

#include "baseline_flags.h"
#include "commands.h"
#include "mcph/cli/flags.h"
#include "mcph/harness/scenario/shard.h"
#include "report_files.h"
#include "run_summary.h"

namespace mcph::harness::cli {

int merge_command(int argc, char** argv) {
  const std::string program = argv[0];
  mcph::cli::Flags flags(
      program,
      "Merges the result directories that the workers of a sharded run wrote (mcp-harness run --shard i/N\n"
      "--shard-out DIR) into one verdict and one set of reports. Every load step's checks run again over all\n"
      "workers' calls together: a call whose backend request carried another user's credential, and one\n"
      "credential (by its fingerprint) that reached a backend for two users, are leaks whichever workers saw\n"
      "them; percentiles come from the merged latency histograms; each user's rate-limit verdict is its\n"
      "worker's (every user is in one worker's slice). Other steps ran in every worker: one that failed or\n"
      "broke in any worker fails or breaks the merged scenario.\n"
      "Refused, exit code 3: a missing shard, two directories claiming one shard, shards of runs with\n"
      "different shard counts, scenario files or scenario selections, slices that do not cover a load\n"
      "step's users, or a call claimed twice.\n"
      "Exit code: 0 when every merged scenario passed (or was skipped), 1 when one failed or broke, 4 when\n"
      "none did but one was inconclusive, 2 for usage errors, 3 for result directories that do not make one run.\n"
      "A finding a --baseline accepts is reported but does not count.");
  flags.positionals("DIRS", "the workers' result directories (each with its shard.json), every shard's once");
  flags.option("junit", "", "write a JUnit XML report to this file")
      .option("html", "", "write a self-contained HTML report to this file")
      .option("sarif", "", "write the findings as SARIF 2.1.0 to this file")
      .option("benchmark-json", "",
              "write each load step's counts and merged latencies per level to this file, in Google Benchmark's "
              "JSON layout (the counters of bench/load_bench)");
  add_baseline_flags(flags);
  flags.parse(argc, argv);
  if (flags.positional().empty()) {
    return mcph::cli::print_usage_error(program, "no result directories given");
  }
  std::optional<reports::Baseline> baseline;
  try {
    baseline = baseline_from_flags(flags);
  } catch (const reports::BaselineError& e) {
    std::fprintf(stderr, "%s: %s\n", program.c_str(), e.what());
    return 2;
  }
  std::vector<std::filesystem::path> dirs(flags.positional().begin(), flags.positional().end());

  scenario::MergedRun merged;
  try {
    merged = scenario::merge_shard_results(dirs);
  } catch (const scenario::ShardMergeError& e) {
    std::fprintf(stderr, "%s: %s\n", program.c_str(), e.what());
    return 3;
  }
  reports::RunReport& report = merged.report;
  try {
    use_baseline(report, baseline, flags);
    write_report_files(report, flags);
    if (!flags.get("benchmark-json").empty()) {
      std::ofstream out(flags.get("benchmark-json"));
      out << merged.benchmarks.dump(2) << "\n";
      if (!out) throw std::runtime_error("cannot write " + flags.get("benchmark-json"));
      std::printf("benchmark JSON: %s\n", flags.get("benchmark-json").c_str());
    }
  } catch (const std::exception& e) {
    std::fprintf(stderr, "%s: writing the reports: %s\n", program.c_str(), e.what());
    return 1;
  }

  for (const auto& suite : report.suites) {
    for (const auto& scenario : suite.scenarios) {
      std::printf("[%s] %s: %s\n", suite.name.c_str(), scenario.name.c_str(), reports::status_text(scenario).c_str());
      for (const auto& step : scenario.steps) {
        for (const auto& level : step.load) {
          if (!level.server.empty()) continue;
          std::printf("  %d connections, all servers: %lld calls, %.0f/s, p50 %.1f ms, p90 %.1f ms, p99 %.1f ms, max %.0f ms\n",
                      level.concurrency, level.calls, level.calls_per_second, level.p50_ms, level.p90_ms, level.p99_ms,
                      level.max_ms);
        }
      }
    }
  }
  std::printf("%d shards merged: %s\n%s", merged.shards, reports::to_string(report.counts()).c_str(), run_summary(report).c_str());
  return run_exit_code(report, flags.on("strict-baseline"));
}

}  // namespace mcph::harness::cli
