// mcp-harness replay: runs a recorded trace again and shows what differs.
#include <cstdio>
#include <fstream>

#include "commands.h"
#include "mcph/cli/flags.h"
#include "mcph/reports/model.h"
#include "mcph/harness/scenario/scenario_runner.h"
#include "seed_flag.h"
#include "stack_for_run.h"

namespace mcph::harness::cli {

int replay_command(int argc, char** argv) {
  const std::string program = argv[0];
  mcph::cli::Flags flags(
      program,
      "Runs the scenarios of a recorded trace (`mcp-harness run --traces DIR` writes them) again and\n"
      "compares each step's outcome with the recording: HTTP status, tool or JSON-RPC outcome, whose\n"
      "credential reached the backend, Vault's entity, the expectations that failed.\n"
      "It runs with the recording's seed (`run` prints it and the trace keeps it): the same order when the run\n"
      "was shuffled, the same draws for the faults' jitter and toxicity; --seed N runs with another.\n"
      "Exit code: 0 when nothing differs and every scenario passed, 1 otherwise, 2 for usage errors.");
  flags.positionals("TRACE", "the trace file to replay (exactly one)");
  add_run_stack_flags(flags);
  flags.option("trace-out", "", "write the new trace to this file")
      .option("seed", "", "N: run with this seed instead of the recording's [default: the trace's seed]");
  flags.parse(argc, argv);
  const std::vector<std::string>& traces = flags.positional();
  if (const auto error = run_stack_flags_error(flags)) {
    return mcph::cli::print_usage_error(program, *error);
  }
  if (traces.size() != 1) {
    return mcph::cli::print_usage_error(program, "give exactly one trace file");
  }
  if (!std::ifstream(traces.front())) {
    std::fprintf(stderr, "%s: cannot read the trace %s\n", program.c_str(), traces.front().c_str());
    return 2;
  }
  std::optional<std::uint64_t> seed;
  try {
    seed = seed_from_flags(flags);
  } catch (const std::invalid_argument& e) {
    return mcph::cli::print_usage_error(program, e.what());
  }
  try {
    StackForRun target = stack_for_run(flags, program);
    scenario::RunnerOptions options;
    options.fixtures_dir = flags.get("fixtures");
    options.pacing_dir = scenario::pacing_dir_for(target.stack, target.stack_file);
    options.progress = [](const std::string& line) {
      std::printf("%s\n", line.c_str());
      std::fflush(stdout);
    };
    const scenario::ReplayResult result = scenario::replay_trace(traces.front(), target.stack, options, seed);
    if (!flags.get("trace-out").empty()) std::ofstream(flags.get("trace-out")) << result.trace << "\n";
    if (target.owned) target.owned->stop();
    if (!result.recorded_seed && !seed) {
      std::printf("replay: the recording has no seed: its faults' draws may differ from the recording's\n");
    } else {
      std::printf("replay: seed %llu%s%s\n", static_cast<unsigned long long>(result.seed),
                  result.recorded_seed && result.seed == *result.recorded_seed ? ", the recording's" : " (given; not the recording's)",
                  result.shuffled ? ", scenarios in the order it draws" : "");
    }
    std::printf("replay: recorded %s, its scenarios took %s then and %s now\n",
                reports::readable_time(result.recorded_at).c_str(), reports::human_duration(result.recorded_seconds).c_str(),
                reports::human_duration(result.suite.seconds()).c_str());
    if (result.differences.empty()) {
      std::printf("replay: no differences from the recording\n");
    } else {
      std::printf("replay: %zu difference%s from the recording\n", result.differences.size(), result.differences.size() == 1 ? "" : "s");
      for (const auto& difference : result.differences) {
        std::printf("  %s%s%s: %s\n      recorded: %s\n      now:      %s\n", difference.scenario.c_str(),
                    difference.step.empty() ? "" : " / step ", difference.step.c_str(), difference.field.c_str(),
                    difference.recorded.c_str(), difference.replayed.c_str());
      }
    }
    const auto counts = result.suite.counts();
    return result.differences.empty() && counts.failures == 0 && counts.errors == 0 ? 0 : 1;
  } catch (const std::exception& e) {
    std::fprintf(stderr, "%s: %s\n", program.c_str(), e.what());
    return 1;
  }
}

}  // namespace mcph::harness::cli
