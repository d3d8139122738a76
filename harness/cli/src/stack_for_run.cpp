#include "stack_for_run.h"

#include <algorithm>
#include <cstdio>
#include <filesystem>

#include "mcph/harness/stack/local_stack.h"
#include "mcph/harness/stack/profile_provisioning.h"
#include "stack_location.h"
#include "stack_progress.h"

namespace mcph::harness::cli {

namespace fs = std::filesystem;

void add_run_stack_flags(mcph::cli::Flags& flags) {
  add_stack_flags(flags);
  flags.toggle("verbose", "show every item provisioned when this command starts a stack of its own");
  flags.toggle("provision",
               "provision a stack this command did not start as `up` does (the fixture users, Vault's configuration for "
               "the target profiles of its stack file) before running; without it nothing is written to such a stack, and "
               "`run` reports every difference from the fixtures as a failure");
  // An own stack gets the scenario suites' profile (the generated users and the rate limit they need).
  declare_stack_flags(flags, scenario_suite_params());
}

std::optional<std::string> run_stack_flags_error(const mcph::cli::Flags& flags) {
  try {
    (void)stack_params_from(flags);
    return std::nullopt;
  } catch (const std::invalid_argument& e) {
    return std::string(e.what());
  }
}

StackForRun stack_for_run(const mcph::cli::Flags& flags, const std::string& program, int generated_users) {
  StackForRun out;
  const bool named = !flags.get("stack").empty() || !flags.get("run-dir").empty();
  const fs::path file = stack_file_from(flags, program);
  if (named || (supervisor_running_in(file.parent_path()) && fs::exists(file))) {
    out.stack = StackFile::load(file);
    out.stack_file = file.string();
    std::printf("stack: %s (%s mode)\n", file.c_str(), to_string(out.stack.mode));
    std::fflush(stdout);
    // A stack the command did not start is written to only when asked: provisioned as `up`
    // provisions, for the target profiles its stack file names.
    if (flags.on("provision")) {
      std::printf("stack: provisioning it as `up` does (--provision)\n");
      std::fflush(stdout);
      ProvisionOptions options = provision_options_for(out.stack, stack_params_from(flags).fixtures_dir);
      options.progress = stack_progress(flags.on("verbose"));
      const int changes = provision(provision_target(out.stack), options).changes;
      std::printf("stack: %d object(s) created or changed\n", changes);
      std::fflush(stdout);
    }
    return out;
  }
  SupervisedStackOptions options;
  options.stack = stack_params_from(flags);  // std::invalid_argument: a usage error
  options.stack.generated_users = std::max(options.stack.generated_users, generated_users);
  std::printf("stack: starting a %s stack for this run (no --stack given, none running in %s)\n",
              to_string(options.stack.mode), kDefaultRunDir);
  std::fflush(stdout);
  options.harness_binary = this_binary();
  options.progress = [print = stack_progress(flags.on("verbose"))](const std::string& line) { print("  " + line); };
  out.owned = SupervisedStack::start(options);
  out.stack = out.owned->stack();
  out.stack_file = out.owned->stack_file().string();
  return out;
}

}  // namespace mcph::harness::cli
