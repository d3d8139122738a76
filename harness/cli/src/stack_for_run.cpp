#include "stack_for_run.h"

#include <algorithm>
#include <cstdio>
#include <filesystem>

#include "mcph/harness/fixtures/user_fixtures.h"
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
               "create what a stack this command did not start lacks of what `up` provisions (the fixture users, Vault's "
               "configuration for the target profiles of its stack file), changing nothing that exists; without it nothing "
               "is written to such a stack. Either way `run` reports every difference from the fixtures as a failure");
  // An own stack gets the scenario suites' profile (the generated users and the rate limit they need).
  stack::declare_stack_flags(flags, stack::scenario_suite_params());
}

std::optional<std::string> run_stack_flags_error(const mcph::cli::Flags& flags) {
  try {
    (void)stack::stack_params_from(flags);
    return std::nullopt;
  } catch (const std::invalid_argument& e) {
    return std::string(e.what());
  }
}

StackForRun stack_for_run(const mcph::cli::Flags& flags, const std::string& program, int generated_users) {
  StackForRun out;
  const bool named = !flags.get("stack").empty() || !flags.get("run-dir").empty();
  const fs::path file = stack_file_from(flags, program);
  if (named || (stack::supervisor_running_in(file.parent_path()) && fs::exists(file))) {
    out.stack = stack::StackFile::load(file);
    out.stack_file = file.string();
    std::printf("stack: %s (%s mode)\n", file.c_str(), to_string(out.stack.mode));
    std::fflush(stdout);
    return out;
  }
  stack::SupervisedStackOptions options;
  options.stack = stack::stack_params_from(flags);  // std::invalid_argument: a usage error
  options.stack.generated_users = std::max(options.stack.generated_users, generated_users);
  std::printf("stack: starting a %s stack for this run (no --stack given, none running in %s)\n",
              to_string(options.stack.mode), kDefaultRunDir);
  std::fflush(stdout);
  options.harness_binary = this_binary();
  options.progress = [print = stack_progress(flags.on("verbose"))](const std::string& line) { print("  " + line); };
  out.owned = stack::SupervisedStack::start(options);
  out.stack = out.owned->stack();
  out.stack_file = out.owned->stack_file().string();
  return out;
}

namespace {

// The number of generated users a stack may be given: what it has, or what the files to run
// need when the mock backends can learn the new users' credentials — a stack `up` started,
// whose secrets file is beside its stack file. Elsewhere the backends are not the harness's to
// change, and the files that need more users are reported not run, with the remedy.
int generated_users_to_provision(const StackForRun& target, int users_needed) {
  const int has = target.stack.generated_users.value_or(0);
  if (users_needed <= has) return has;
  if (!target.stack.generated_users || target.stack_file.empty() ||
      !fs::exists(fixtures::backend_secrets_file(fs::path(target.stack_file).parent_path()))) {
    std::printf("stack: not adding generated users: the stack file is not one `mcp-harness up` wrote, so its backends' "
                "credentials are not the harness's to extend\n");
    return has;
  }
  std::printf("stack: adding generated users user%04d–user%04d (the files to run need %d, the stack has %d)\n", has + 1,
              users_needed, users_needed, has);
  return users_needed;
}

// The mock backends accept a user's credentials once the secrets file lists them: it is
// replaced, never written in place, and they read it again when it changes.
void record_generated_users(StackForRun& target, const fs::path& fixtures_dir, int users) {
  const fs::path stack_file = target.stack_file;
  fixtures::write_backend_secrets(stack_file.parent_path(), fixtures_dir, users);
  stack::StackFile saved = stack::StackFile::load(stack_file);
  saved.generated_users = users;
  saved.save(stack_file);
  target.stack.generated_users = users;
}

}  // namespace

void provision_what_is_missing(StackForRun& target, const mcph::cli::Flags& flags, int users_needed) {
  // A stack the command did not start is written to only when asked, and then only where
  // something is absent: a role or policy that differs stays as it is, and is reported.
  if (target.owned || !flags.on("provision")) return;
  std::printf("stack: creating what it lacks of the fixtures' configuration, changing nothing (--provision)\n");
  std::fflush(stdout);
  const fs::path fixtures_dir = stack::stack_params_from(flags).fixtures_dir;
  provision::ProvisionOptions options = stack::provision_options_for(target.stack, fixtures_dir);
  options.generated_users = generated_users_to_provision(target, users_needed);
  options.progress = stack_progress(flags.on("verbose"));
  options.only_missing = true;
  const int created = stack::provision_stack(target.stack, options).changes;
  if (options.generated_users > target.stack.generated_users.value_or(0)) {
    record_generated_users(target, fixtures_dir, options.generated_users);
  }
  std::printf("stack: %d object(s) created\n", created);
  std::fflush(stdout);
}

}  // namespace mcph::harness::cli
