#include "stack_location.h"

#include <cstdio>
#include <cstdlib>

#include "mcph/cli/flags.h"
#include "mcph/harness/fixtures/data_layout.h"

namespace mcph::harness::cli {

void add_stack_flags(mcph::cli::Flags& flags) {
  flags.option("stack", "", "the stack file (a local stack's, or one written by hand for an external stack)");
  flags.option("run-dir", "", std::string("the run directory of `mcp-harness up`, whose stack.json is used [default: ") +
                                  kDefaultRunDir + "]");
}

std::string this_binary() { return fixtures::running_executable().string(); }

std::filesystem::path stack_file_from(const mcph::cli::Flags& flags, const std::string& program) {
  const std::string& stack = flags.get("stack");
  const std::string& run_dir = flags.get("run-dir");
  if (!stack.empty() && !run_dir.empty()) {
    mcph::cli::exit_with_usage_error(program, "give --stack or --run-dir, not both");
  }
  if (!stack.empty()) return std::filesystem::absolute(stack);
  return std::filesystem::absolute(run_dir.empty() ? std::string(kDefaultRunDir) : run_dir) / "stack.json";
}

}  // namespace mcph::harness::cli
