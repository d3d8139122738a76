#pragma once
// The stack `run` and `replay` work against: the one --stack or --run-dir names, else the one
// `mcp-harness up` left running in the default run directory, else a local stack of their own
// (an attached supervisor in a temporary directory, stopped when the command ends — or killed:
// the supervisor gets SIGTERM when this process dies, Ctrl-C included).
#include <memory>
#include <optional>
#include <string>

#include "mcph/cli/flags.h"
#include "mcph/harness/stack/stack_file.h"
#include "mcph/harness/stack/supervised_stack.h"

namespace mcph::harness::cli {

struct StackForRun {
  stack::StackFile stack;
  std::string stack_file;                  // where it was read from ("" for an own stack's temp dir)
  std::unique_ptr<stack::SupervisedStack> owned;  // set when this command started it
};

// Declares --stack, --run-dir and the stack flags of an own stack (--mode, --users, ...).
void add_run_stack_flags(mcph::cli::Flags& flags);
// The usage error in those flags, if any (checked before anything starts).
std::optional<std::string> run_stack_flags_error(const mcph::cli::Flags& flags);

// Throws std::runtime_error when a named stack file cannot be read or an own stack does not
// come up; exits 2 when both --stack and --run-dir are given. An own stack gets at least
// `generated_users` generated users (what the files to run need), --users if more.
StackForRun stack_for_run(const mcph::cli::Flags& flags, const std::string& program, int generated_users = 0);

// With --provision, on a stack this command did not start: creates what the fixtures describe
// and the stack lacks, and changes nothing that exists, so that no difference is hidden from
// the configuration check. Does nothing without --provision or on an own stack.
// When the files to run need more generated users than a stack `up` started has
// (`users_needed`), they are added: to the IdP and Vault, to the secrets file beside the stack
// file (which the mock backends read again when it changes) and to the stack file's count, which
// `target` then shows too.
void provision_what_is_missing(StackForRun& target, const mcph::cli::Flags& flags, int users_needed = 0);

}  // namespace mcph::harness::cli
