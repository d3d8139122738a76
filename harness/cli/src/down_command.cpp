// mcp-harness down: stops the supervisor of a local stack (it stops the services in order),
// checks that none of the stack's processes lives on and removes the stack file; a stack still
// starting is stopped once its start is done.
#include <signal.h>

#include <cerrno>
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <string>
#include <vector>

#include "commands.h"
#include "mcph/cli/flags.h"
#include "mcph/harness/stack/process_state.h"
#include "mcph/harness/stack/supervised_stack.h"
#include "mcph/proc/poll_until.h"
#include "stack_location.h"
#include "mcph/text/join.h"

namespace mcph::harness::cli {
namespace {

namespace fs = std::filesystem;

// "name (pid N)" of each process of the stack file that is alive now.
std::vector<std::string> living_processes(const stack::StackFile& stack) {
  std::vector<std::string> living;
  const std::uint64_t not_before = stack.supervisor ? stack.supervisor->start_ticks : 0;
  if (stack.supervisor && stack::process_is(stack.supervisor->pid, stack.supervisor->start_ticks)) {
    living.push_back("supervisor (pid " + std::to_string(stack.supervisor->pid) + ")");
  }
  for (const auto& [name, service] : stack.services) {
    if (service.pid <= 0) continue;
    const bool alive = stack.supervisor ? stack::service_process_alive(service.pid, not_before) : stack::process_alive(service.pid);
    if (alive) living.push_back(name + " (pid " + std::to_string(service.pid) + ")");
  }
  return living;
}

// A stack still starting in `run_dir` (its supervisor, `pid`, holds the directory's lock but has
// written no stack file yet): SIGTERM, which the supervisor remembers and acts on once its start
// is done (it stops what it started, in order, and writes no stack file), then a wait for its
// lock to go. The start itself may take minutes (a JVM), so the wait is the longest start plus
// the grace; after that the supervisor is SIGKILLed, and what it had started is not known here.
int stop_starting(const std::string& program, const fs::path& run_dir, int pid, int grace) {
  std::printf("the stack in %s is still starting (supervisor pid %d): asked it to stop, which it does once its "
              "start is done\n",
              run_dir.c_str(), pid);
  std::fflush(stdout);
  // It lets the lock go a moment before it exits: the wait is for both (the process by its start
  // time, so that its pid taken by another process meanwhile is not waited for).
  const std::uint64_t start_ticks = stack::process_start_ticks(pid).value_or(0);
  const auto running = [&] { return stack::supervisor_running_in(run_dir) || (start_ticks != 0 && stack::process_is(pid, start_ticks)); };
  if (::kill(pid, SIGTERM) != 0 && errno != ESRCH) {
    std::fprintf(stderr, "%s: cannot signal the supervisor (pid %d): %s\n", program.c_str(), pid, std::strerror(errno));
    return 1;
  }
  constexpr auto kLongestStart = std::chrono::minutes(10);  // real and compose mode's start timeout
  const auto started = std::chrono::steady_clock::now();
  const auto deadline = started + kLongestStart + std::chrono::seconds(grace);
  // Asked every 100 ms, with a word every 15 s while it takes long.
  while (!proc::poll_until([&] { return !running(); }, std::chrono::seconds(15), std::chrono::milliseconds(100))) {
    const auto now = std::chrono::steady_clock::now();
    if (now >= deadline) {
      ::kill(pid, SIGKILL);
      std::fprintf(stderr, "%s: the supervisor (pid %d) did not stop within %lld s: SIGKILLed it; the services it "
                           "had started may live on (see %s)\n",
                   program.c_str(), pid,
                   static_cast<long long>(std::chrono::duration_cast<std::chrono::seconds>(now - started).count()),
                   (run_dir / "supervisor.log").c_str());
      return 1;
    }
    std::printf("still waiting for the supervisor (pid %d) to finish its start and stop\n", pid);
    std::fflush(stdout);
  }
  std::printf("stopped the stack that was starting in %s\n", run_dir.c_str());
  return 0;
}

// Stops the stack of the stack file `path`; returns the exit code.
int stop(const std::string& program, const fs::path& path, int grace) {
  if (!fs::exists(path)) {
    if (const auto pid = stack::supervisor_pid_in(path.parent_path())) return stop_starting(program, path.parent_path(), *pid, grace);
    std::printf("no stack file at %s: nothing to stop\n", path.c_str());
    return 0;
  }
  std::unique_ptr<stack::SupervisedStack> stack;
  try {
    stack = stack::SupervisedStack::attach(path);
  } catch (const std::exception& e) {
    std::fprintf(stderr, "%s: %s\n", program.c_str(), e.what());
    return 1;
  }
  const stack::StackFile& file = stack->stack();
  if (file.mode == stack::StackMode::external) {
    std::printf("%s describes an external stack, which mcp-harness does not run: nothing stopped, file kept\n",
                path.c_str());
    return 0;
  }
  const std::vector<std::string> before = living_processes(file);
  if (!file.supervisor) {
    // Written by a LocalStack inside some other process (a test, a benchmark), which owns it.
    if (!before.empty()) {
      std::fprintf(stderr, "%s: %s has no supervisor; its processes belong to whoever wrote it and are alive: %s\n",
                   program.c_str(), path.c_str(), text::join(before).c_str());
      return 1;
    }
    fs::remove(path);
    std::printf("nothing was running; removed the stale stack file %s\n", path.c_str());
    return 0;
  }

  if (before.empty()) {
    std::printf("the supervisor (pid %d) is not running: the stack file was stale\n", file.supervisor->pid);
  } else {
    std::printf("stopping the stack in %s (supervisor pid %d)\n", stack->run_dir().c_str(), file.supervisor->pid);
    std::fflush(stdout);
  }
  const stack::StopReport report = stack->stop(std::chrono::seconds(grace));
  if (report.forced) {
    std::printf("the supervisor did not stop within %d s: SIGKILLed it and what was left of the stack\n", grace);
  }
  const std::vector<std::string> after = living_processes(file);
  if (!after.empty()) {
    std::fprintf(stderr, "%s: still alive after the stop: %s\n", program.c_str(), text::join(after).c_str());
    return 1;
  }
  std::error_code ignored;
  if (fs::exists(path)) {
    // stop() leaves a stack file that no longer names this supervisor: a newer stack's.
    try {
      const stack::StackFile current = stack::StackFile::load(path);
      if (current.supervisor && current.supervisor->pid == file.supervisor->pid &&
          current.supervisor->start_ticks == file.supervisor->start_ticks) {
        fs::remove(path, ignored);
      }
    } catch (const std::exception&) {
    }
  }
  if (!before.empty()) std::printf("stopped: %s\n", text::join(before).c_str());
  std::printf("removed %s\n", path.c_str());
  return 0;
}

// Removes the stack's data after the stop (down --purge); returns the exit code.
int purge(const std::string& program, const fs::path& run_dir) {
  try {
    const std::vector<std::string> removed = stack::purge_run_dir(run_dir);
    if (removed.empty()) {
      std::printf("purge: no stack data in %s\n", run_dir.c_str());
    } else {
      std::printf("purge: removed %s from %s%s\n", text::join(removed).c_str(), run_dir.c_str(),
                  fs::exists(run_dir) ? " (the directory holds other files: kept)" : ", and the directory");
    }
    return 0;
  } catch (const std::exception& e) {
    std::fprintf(stderr, "%s: %s\n", program.c_str(), e.what());
    return 1;
  }
}

}  // namespace

int down_command(int argc, char** argv) {
  const std::string program = argv[0];
  mcph::cli::Flags flags(program,
                         "Stops the stack that 'mcp-harness up' started: SIGTERM to its supervisor, which stops the\n"
                         "MCP servers, the backends, Vault (its dynamic PostgreSQL roles revoked first), Keycloak and\n"
                         "PostgreSQL in that order (the reverse of the start). Then checks that no process of the stack file is alive and removes the stack\n"
                         "file. A stack still starting (no stack file yet) is stopped once its start is done. Nothing to\n"
                         "stop is not an error. Exit status 1 when a process survived.");
  add_stack_flags(flags);
  flags.option("grace-s", "60", "seconds the orderly stop may take before everything left is SIGKILLed")
      .toggle("purge", "then remove the stack's data from its run directory (logs, PostgreSQL cluster, audit log), "
                       "and the directory when nothing else is in it");
  flags.parse(argc, argv);
  const int grace = flags.get_int("grace-s");
  if (grace <= 0) {
    return mcph::cli::print_usage_error(program, "--grace-s must be positive");
  }
  const fs::path path = stack_file_from(flags, program);
  const int stopped = stop(program, path, grace);
  if (stopped != 0 || !flags.on("purge")) return stopped;
  if (fs::exists(path)) {  // kept by the stop: an external stack's file, or a newer stack's
    std::printf("purge: %s still describes a stack (external, or started since): nothing purged\n", path.c_str());
    return 0;
  }
  return purge(program, path.parent_path());
}

}  // namespace mcph::harness::cli
