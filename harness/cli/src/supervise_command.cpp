// mcp-harness supervise (hidden): the process that owns a local stack. `mcp-harness up` and
// SupervisedStack start it; a developer may run it in a terminal too (Ctrl-C stops the stack).
#include <cstdio>

#include "commands.h"
#include "mcph/cli/flags.h"
#include "mcph/harness/stack/supervised_stack.h"

namespace mcph::harness::cli {

int supervise_command(int argc, char** argv) {
  const std::string program = argv[0];
  mcph::cli::Flags flags(
      program,
      "Runs a stack in this process until SIGTERM, SIGINT or SIGHUP (or --ttl), then stops it in\n"
      "order and exits 0. Prints progress lines, then 'stack ready <stack file>' or 'stack failed: <why>'.\n"
      "Internal: 'mcp-harness up' and SupervisedStack start it.");
  flags.option("run-dir", "", "run directory [default: a temporary one, removed at the end]")
      .toggle("remove-run-dir", "remove --run-dir at the end (it is a temporary directory)")
      .option("log", "", "where this process's output goes, recorded in the stack file")
      .option("ttl", "0", "seconds after which the stack stops by itself (0 = never)");
  stack::declare_stack_flags(flags, stack::StackParams{});
  flags.parse(argc, argv);
  stack::SupervisorOptions options;
  try {
    options.stack = stack::stack_params_from(flags);
  } catch (const std::invalid_argument& e) {
    std::fprintf(stderr, "%s: %s\n", program.c_str(), e.what());
    return 2;
  }
  options.stack.run_dir = flags.get("run-dir");
  options.remove_run_dir = flags.on("remove-run-dir");
  options.log_path = flags.get("log");
  options.ttl = std::chrono::seconds(flags.get_int("ttl"));
  if (options.ttl.count() < 0) {
    std::fprintf(stderr, "%s: --ttl must not be negative\n", program.c_str());
    return 2;
  }
  return stack::run_supervisor(options);
}

}  // namespace mcph::harness::cli
