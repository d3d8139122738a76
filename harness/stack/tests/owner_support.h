#pragma once
// What the tests of a stack's lifetime share: a stack owned by another process (stack_owner),
// the processes a stack file names and whether they are gone, and the proof that a killed
// owner still makes the stack revoke its dynamic database roles (local and real mode).
#include <sys/types.h>

#include <chrono>
#include <filesystem>
#include <nlohmann/json.hpp>
#include <string>
#include <utility>
#include <vector>

#include "mcph/harness/stack/stack_file.h"
#include "mcph/harness/stack/stack_params.h"
#include "mcph/proc/child_process.h"

namespace mcph::harness::stack::testing {

using namespace std::chrono_literals;

inline constexpr auto kStartTimeout = 600s;  // a whole stack on a busy 2-core machine, a JVM included
inline constexpr auto kStopTimeout = 60s;

std::string read_file(const std::filesystem::path& path);

// "name (pid N)" of every process the stack file names.
std::vector<std::pair<std::string, pid_t>> processes_of(const StackFile& stack);
// Waits (bounded) until none of them is alive; returns those still alive.
std::vector<std::string> survivors(const StackFile& stack, std::chrono::milliseconds timeout = kStopTimeout);
// Processes (other than this one) whose command line names `path`: what a stack in that run
// directory left running, whether the stack file knew of it or not (a JVM's children).
std::vector<std::string> processes_naming(const std::filesystem::path& path);
bool wait_until_removed(const std::filesystem::path& path, std::chrono::milliseconds timeout);
nlohmann::json vault_get(const StackFile& stack, const std::string& path);

// The owner of an attached stack, in a process of its own.
struct Owner {
  proc::ChildProcess process;
  StackFile stack;
  std::filesystem::path stack_file;
};
Owner start_owner(std::vector<std::string> args = {});
void expect_all_alive(const StackFile& stack);

// The owner of a `mode` stack is SIGKILLed while alice holds a dynamic PostgreSQL role from
// Vault; the orderly stop that follows must leave no process and no Vault-made role (checked
// on the cluster, started again after the stop).
void expect_killed_owner_leaves_nothing_and_revokes_roles(StackMode mode);

}  // namespace mcph::harness::stack::testing
