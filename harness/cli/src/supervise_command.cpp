// mcp-harness supervise (hidden): the process that owns a local stack. `mcp-harness up` and
// SupervisedStack start it; a developer may run it in a terminal too (Ctrl-C stops the stack).
#include <cstdio>

#include "commands.h"
#include "mcph/cli/flags.h"
#include "mcph/harness/supervised_stack.h"

namespace mcph::harness::cli {

int supervise_command(int argc, char** argv) {
  const std::string program = argv[0];
  mcph::cli::Flags flags(
      program,
      "Runs the local stack in this process until SIGTERM, SIGINT or SIGHUP (or --ttl), then stops it in\n"
      "order and exits 0. Prints progress lines, then 'stack ready <stack file>' or 'stack failed: <why>'.\n"
      "Internal: 'mcp-harness up' and SupervisedStack start it.");
  flags.option("run-dir", "", "run directory [default: a temporary one, removed at the end]")
      .toggle("remove-run-dir", "remove --run-dir at the end (it is a temporary directory)")
      .option("log", "", "where this process's output goes, recorded in the stack file")
      .option("fixtures", "", "fixtures directory [default: the source tree's fixtures/, or $MCPH_FIXTURES_DIR]")
      .option("users", "0", "generated users to provision besides alice, bob and carol")
      .option("rate-limit", "20", "MCP servers' per-subject request limit per window (0 = no limit)")
      .option("rate-window-ms", "1000", "the rate limit's window in milliseconds")
      .option("ready-timeout-ms", "15000", "how long each service may take to be ready")
      .option("ttl", "0", "seconds after which the stack stops by itself (0 = never)");
  flags.parse(argc, argv);
  SupervisorOptions options;
  options.run_dir = flags.get("run-dir");
  options.remove_run_dir = flags.on("remove-run-dir");
  options.log_path = flags.get("log");
  options.fixtures_dir = flags.get("fixtures");
  options.generated_users = flags.get_int("users");
  options.rate_limit = flags.get_int("rate-limit");
  options.rate_window_ms = flags.get_int("rate-window-ms");
  options.ready_timeout = std::chrono::milliseconds(flags.get_int("ready-timeout-ms"));
  options.ttl = std::chrono::seconds(flags.get_int("ttl"));
  if (options.generated_users < 0 || options.rate_limit < 0 || options.rate_window_ms <= 0 ||
      options.ready_timeout.count() <= 0 || options.ttl.count() < 0) {
    std::fprintf(stderr, "%s: --users, --rate-limit and --ttl must not be negative, the times must be positive\n",
                 program.c_str());
    return 2;
  }
  return run_supervisor(options);
}

}  // namespace mcph::harness::cli
