// mcp-harness run: runs scenario files against a stack and writes the JUnit and HTML reports.
#include <algorithm>
#include <csignal>
#include <chrono>
#include <cstdio>

#include "baseline_flags.h"
#include "commands.h"
#include "configuration_check.h"
#include "family_applicability.h"
#include "mcph/cli/flags.h"
#include "mcph/harness/scenario/run_order.h"
#include "mcph/harness/scenario/scenario_runner.h"
#include "mcph/harness/scenario/shard.h"
#include "mcph/seed/seeded_random.h"
#include "seed_flag.h"
#include "report_files.h"
#include "run_summary.h"
#include "stack_identity.h"
#include "scenario_selection.h"
#include "stack_for_run.h"
#include "terminal.h"

namespace mcph::harness::cli {
namespace {

// Ctrl-C: the first asks the run to stop after the scenario that is running (the rest are
// reported skipped and the reports are written); a second one ends the process at once (its
// own stack's supervisor then stops the stack, as it does when its owner dies).
volatile std::sig_atomic_t g_interrupted = 0;

void on_interrupt(int) { g_interrupted = 1; }

void stop_after_this_scenario_on_ctrl_c() {
  struct sigaction action {};
  action.sa_handler = on_interrupt;
  action.sa_flags = SA_RESETHAND;  // the second Ctrl-C takes the default action
  sigemptyset(&action.sa_mask);
  ::sigaction(SIGINT, &action, nullptr);
}

void list(const Selection& selection) {
  for (std::size_t i = 0; i < selection.files.size(); ++i) {
    const scenario::ScenarioFile& file = selection.files[i];
    std::printf("%s  (family %s, suite %s)\n", file.path.c_str(), file.family.c_str(), file.suite.c_str());
    for (const auto& name : selection.only[i]) std::printf("  %s\n", name.c_str());
  }
  std::printf("%zu scenarios in %zu files\n", selection.scenario_count(), selection.files.size());
}

}  // namespace

int run_command(int argc, char** argv) {
  const std::string program = argv[0];
  mcph::cli::Flags flags(
      program,
      "Runs scenario files against a stack and prints one line per scenario.\n"
      "The stack: --stack FILE or --run-dir DIR; else the one `mcp-harness up` runs in .mcp-harness;\n"
      "else a local stack of its own, started for this run and stopped at its end.\n"
      "Ctrl-C stops after the running scenario and still writes the reports (the rest skipped);\n"
      "a second Ctrl-C stops at once.\n"
      "As worker i of N (--shard i/N, or an Indexed Job's JOB_COMPLETION_INDEX with MCPH_SHARD_COUNT), each\n"
      "load step acts for its own slice of the step's users, calls and connections, and --shard-out DIR\n"
      "gets what the worker saw, for `mcp-harness merge` (docs/sharding.md); other steps run in every worker.\n"
      "Exit code: 0 when every scenario passed or was skipped (what does not apply to the stack is skipped,\n"
      "saying why), 1 when one failed (a finding) or broke, 4 when none did but one was inconclusive (the\n"
      "harness could not decide it: a control failed, a step was not reached), 2 for usage errors, 130 when\n"
      "interrupted. A finding a --baseline accepts is reported but does not count. A worker's exit code is its\n"
      "own slice's verdict; the run's is merge's.\n"
      "Every run prints its seed first (\"seed: N\") and records it in each report and trace: a fault's jitter and\n"
      "toxicity (on mcp-fault-proxy) and, with --shuffle, the order of the files and of each file's scenarios are\n"
      "drawn from it, so --seed N repeats them. A failed scenario's `again:` command carries --seed (and --shuffle).");
  flags.positionals("FILES", "scenario files [default: every scenarios/*.yaml]");
  add_run_stack_flags(flags);
  flags.repeated("family", "run only the files of this family (isolation, missing-credentials, ...)")
      .repeated("scenario",
                "run only the scenarios whose name contains this text, or matches it as a glob (* ? [...]);"
                " case-insensitive")
      .toggle("list", "list the selected files and scenarios and exit (no stack is started)")
      .option("seed", "", "N (0 to 2^64-1): the seed the run draws from [default: one drawn at start, and printed]")
      .toggle("shuffle", "run the files, and each file's scenarios, in an order drawn from the seed [default: file order]")
      .option("junit", "", "write a JUnit XML report to this file")
      .option("html", "", "write a self-contained HTML report to this file")
      .option("sarif", "", "write the findings as SARIF 2.1.0 to this file (code-scanning views)")
      .option("traces", "", "write one trace per scenario file into this directory (for `mcp-harness replay`)")
      .option("shard", "",
              "INDEX/COUNT: run as worker INDEX of COUNT (from 0) on a stack every worker shares [default: "
              "JOB_COMPLETION_INDEX/MCPH_SHARD_COUNT when set, else 0/1]")
      .option("shard-out", "", "write what this worker saw (calls, credential fingerprints, latency histograms, "
                               "its report) into this directory, for `mcp-harness merge`; needed with more than one shard");
  add_baseline_flags(flags);
  flags.parse(argc, argv);
  if (const auto error = run_stack_flags_error(flags)) {
    return mcph::cli::print_usage_error(program, *error);
  }
  std::optional<reports::Baseline> baseline;
  try {
    baseline = baseline_from_flags(flags);  // before anything runs: a mistake in it costs no run
  } catch (const reports::BaselineError& e) {
    std::fprintf(stderr, "%s: %s\n", program.c_str(), e.what());
    return 2;
  }

  scenario::Shard shard;
  try {
    if (!flags.get("shard").empty()) {
      shard = scenario::parse_shard(flags.get("shard"));
    } else if (const auto from_job = scenario::shard_from_environment()) {
      shard = *from_job;
    }
  } catch (const std::invalid_argument& e) {
    return mcph::cli::print_usage_error(program, e.what());
  }
  if (shard.count > 1 && flags.get("shard-out").empty()) {
    std::fprintf(stderr, "%s: shard %d/%d needs --shard-out DIR: merge reads what each worker saw from there\n",
                 program.c_str(), shard.index, shard.count);
    return 2;
  }

  std::uint64_t seed = 0;
  try {
    const auto given = seed_from_flags(flags);
    seed = given ? *given : seed::fresh_seed();
  } catch (const std::invalid_argument& e) {
    return mcph::cli::print_usage_error(program, e.what());
  }

  if (flags.on("shuffle") && shard.count > 1 && flags.get("seed").empty()) {
    std::fprintf(stderr, "%s: the workers of a sharded run shuffle alike only with one --seed N they all share\n",
                 program.c_str());
    return 2;
  }

  Selection selection;
  try {
    selection = select_scenarios(flags.positional(), flags.all("family"), flags.all("scenario"));
  } catch (const SelectionError& e) {
    std::fprintf(stderr, "%s: %s\n", program.c_str(), e.what());
    return 2;
  }
  if (flags.on("list")) {
    list(selection);
    return 0;
  }
  const bool colour = colour_enabled(stdout);
  const bool shuffle = flags.on("shuffle");
  std::printf("seed: %llu%s\n", static_cast<unsigned long long>(seed), shuffle ? " (scenarios shuffled)" : "");
  std::fflush(stdout);

  reports::RunReport report;
  nlohmann::json load_records = nlohmann::json::array();
  report.started_at = reports::utc_now();
  report.seed = std::to_string(seed);
  report.shuffled = shuffle;
  const auto started = std::chrono::steady_clock::now();
  try {
    // A stack this command starts has the generated users the selected files need (load.yaml's 130).
    int users_needed = 0;
    for (const auto& file : selection.files) users_needed = std::max(users_needed, file.needs.generated_users);
    StackForRun target = stack_for_run(flags, program, users_needed);
    if (shard.count > 1 && target.owned) {
      target.owned->stop();
      std::fprintf(stderr, "%s: the workers of a sharded run need one stack they all share: --stack FILE or --run-dir DIR\n",
                   program.c_str());
      return 2;
    }
    report.stack_mode = to_string(target.stack.mode);
    report.stack_idp = identity_provider_of(target.stack);
    report.stack_file = target.stack_file;
    scenario::RunnerOptions options;
    options.fixtures_dir = flags.get("fixtures");
    options.trace_dir = flags.get("traces");
    options.progress = [colour](const std::string& line) {
      std::printf("%s\n", colour ? coloured_status(line).c_str() : line.c_str());
      std::fflush(stdout);
    };
    options.stop_requested = [] { return g_interrupted != 0; };
    options.pacing_dir = scenario::pacing_dir_for(target.stack, target.stack_file);
    options.shard = shard;
    options.seed = seed;
    options.shuffle = shuffle;
    options.on_load_record = [&load_records](const std::string& suite, const std::string& scenario, std::size_t step,
                                             const nlohmann::json& record) {
      load_records.push_back({{"suite", suite}, {"scenario", scenario}, {"step", step}, {"record", record}});
    };
    // From here on a Ctrl-C still yields a report; before, it ends the start (and the stack with it).
    stop_after_this_scenario_on_ctrl_c();
    if (!target.owned) {
      // --provision creates what is absent and changes nothing, so the check still sees every
      // difference of what exists. A stack this command did not start may have changed since
      // it was provisioned.
      provision_what_is_missing(target, flags, users_needed);
      std::printf("== the stack's configuration against the fixtures\n");
      std::fflush(stdout);
      report.suites.push_back(check_configuration(target.stack, flags.get("fixtures")));
      const auto& checked = report.suites.back().scenarios.front();
      options.progress("[" + std::string(kConfigurationSuite) + "] " + checked.name + ": " + reports::to_string(checked.status) +
                       (checked.message.empty() ? "" : " — " + checked.message));
    }
    scenario::ScenarioRunner runner(target.stack, options);  // the stack as provisioned: its generated users
    for (const std::size_t i : scenario::file_order(selection.files.size(), seed, shuffle)) {
      const scenario::ScenarioFile& file = selection.files[i];
      std::printf("== %s (%s): %zu scenarios\n", file.path.c_str(), file.family.c_str(), selection.only[i].size());
      std::fflush(stdout);
      // No --scenario: the whole file (one trace per file, whatever its number of scenarios).
      report.suites.push_back(runner.run(file, flags.all("scenario").empty() ? std::vector<std::string>{} : selection.only[i]));
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
    use_baseline(report, baseline, flags);
    write_report_files(report, flags);
    if (!flags.get("shard-out").empty()) {
      scenario::write_shard_result(flags.get("shard-out"), shard, report, selection.files, load_records);
      std::printf("shard %d/%d: what this worker saw is in %s (for mcp-harness merge)\n", shard.index, shard.count,
                  flags.get("shard-out").c_str());
    }
  } catch (const std::exception& e) {
    std::fprintf(stderr, "%s: writing the reports: %s\n", program.c_str(), e.what());
    return 1;
  }
  std::printf("%s (%.1f s)\n%s%s", reports::to_string(report.counts()).c_str(), report.seconds, run_summary(report).c_str(),
              families_not_applicable(report, selection, flags.all("family")).c_str());
  if (g_interrupted) {
    std::printf("interrupted: the scenarios not run are reported skipped\n");
    return 130;
  }
  return run_exit_code(report, flags.on("strict-baseline"));
}

}  // namespace mcph::harness::cli
