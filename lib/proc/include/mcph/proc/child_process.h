#pragma once
// Starting and stopping the stack's processes: each child gets its own process group, its
// stdout and stderr go to one log file, it dies with the thread that started it, and stop()
// ends the whole group (the stop signal, then SIGKILL after a grace period).
#include <sys/types.h>

#include <chrono>
#include <csignal>
#include <functional>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace mcph::proc {

class ProcessError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

struct SpawnOptions {
  std::string name;                    // for messages; defaults to argv[0]'s file name
  std::vector<std::string> argv;       // argv[0] is looked up in PATH when it has no '/'
  std::vector<std::pair<std::string, std::string>> env;  // added to (or replacing) ours
  std::string log_path;                // empty = a temporary file removed with the process
  std::string working_dir;
  // When we are root, run the child as this system user (PostgreSQL refuses to run as root).
  std::string run_as_user;
  int stop_signal = SIGTERM;
  // The child gets stop_signal when the thread that spawned it ends (a crashed test leaves no
  // orphans). Off for services that must outlive the command that started them.
  bool die_with_parent = true;
  // Its standard error goes nowhere: the log (run_command's output) is its standard output alone.
  bool discard_stderr = false;
};

class ChildProcess {
 public:
  // Throws ProcessError when the program cannot be started.
  static ChildProcess spawn(SpawnOptions options);

  ChildProcess(ChildProcess&& other) noexcept;
  ChildProcess& operator=(ChildProcess&& other) noexcept;
  ~ChildProcess();  // stop()

  pid_t pid() const { return pid_; }
  const std::string& name() const { return options_.name; }
  const std::string& log_path() const { return options_.log_path; }

  // Waits for a line of the log for which `match` is true and returns it. Throws ProcessError
  // naming the process and quoting its last log lines when the process exits first or the
  // timeout passes.
  std::string wait_for_line(const std::function<bool(std::string_view)>& match,
                            std::chrono::milliseconds timeout);

  bool running();
  // Stop signal to the process group, SIGKILL after `grace`; reaps the child. Returns its wait
  // status (or the status already reaped). Idempotent.
  int stop(std::chrono::milliseconds grace = std::chrono::seconds(5));

  std::string last_log_lines(std::size_t count = 20) const;  // last_lines_of its log

 private:
  ChildProcess() = default;
  pid_t pid_ = -1;
  std::optional<int> status_;
  bool owns_log_ = false;
  SpawnOptions options_;
};

struct CommandResult {
  int exit_code = -1;  // -1 when killed by a signal or timed out
  std::string output;  // stdout and stderr together
};

// The last `count` lines of the log at `path`, each as "  | line\n" (for a failure's message);
// "  | (log is empty)\n" for an empty or missing one.
std::string last_lines_of(const std::string& path, std::size_t count = 20);

// Runs a command to completion (with a timeout), capturing its output.
CommandResult run_command(const SpawnOptions& options,
                          std::chrono::milliseconds timeout = std::chrono::seconds(60));

}  // namespace mcph::proc
