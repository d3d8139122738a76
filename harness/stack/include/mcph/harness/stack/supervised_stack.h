#pragma once
// A local stack owned by its own process, the supervisor (`mcp-harness supervise`), so that the
// stack's lifetime does not depend on how the command that started it ends.
//
// The supervisor runs LocalStack::up in its main thread (the services die with that thread),
// prints progress lines, then one of
//   stack ready <path of stack.json>
//   stack failed: <message, possibly several lines>
// then waits for SIGTERM, SIGINT or SIGHUP (or its ttl) and stops the stack in order: MCP
// servers, mocks (mock-vault revokes its dynamic PostgreSQL roles while PostgreSQL still runs),
// PostgreSQL; then it removes stack.json, and the run directory when that was a temporary one.
//
// Lifetimes:
//   attached  the supervisor gets SIGTERM when the thread that started it ends (also when its
//             process is SIGKILLed), so a crashed test leaves nothing behind; the destructor
//             stops it.
//   detached  the supervisor runs in a new session and outlives the starting process
//             (`mcp-harness up`); stop it with `mcp-harness down` or SupervisedStack::attach.
#include <sys/types.h>

#include <chrono>
#include <cstdint>
#include <filesystem>
#include <functional>
#include <memory>
#include <stdexcept>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "mcph/harness/stack/stack_file.h"
#include "mcph/harness/stack/stack_params.h"

namespace mcph::harness::stack {

enum class StackLifetime { attached, detached };
class LineTail;

struct SupervisedStackOptions {
  StackParams stack;  // what to bring up; an empty run_dir: a temporary one the supervisor removes
  std::chrono::milliseconds start_timeout{0};  // the whole start, provisioning included (0: 3 min,
                                               // 10 min in real and compose mode: Keycloak's JVM)
  std::chrono::seconds ttl{0};          // > 0: the supervisor stops the stack by itself after it
  StackLifetime lifetime = StackLifetime::attached;
  std::string harness_binary;           // empty: service_binary("mcp-harness")
  std::vector<std::pair<std::string, std::string>> env;  // added to the supervisor's environment
  std::function<void(const std::string&)> progress;      // the supervisor's progress lines
  // Polled while the stack starts: true stops the supervisor (in order) and start() throws
  // StartCancelled. `mcp-harness up` sets it from SIGINT, so Ctrl-C leaves nothing behind.
  std::function<bool()> cancelled;
};

class StartCancelled : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// What stop() did.
struct StopReport {
  bool was_running = false;   // the supervisor was alive when stop() began
  bool forced = false;        // it did not stop within the grace period and was SIGKILLed
  std::vector<std::string> survivors;  // "name (pid N)" of processes still alive afterwards
};

class SupervisedStack {
 public:
  // Starts a supervisor and returns once the stack is ready. Throws std::runtime_error with the
  // supervisor's message (naming the failing service and quoting its last log lines) or, when
  // it gave none, the supervisor's last output lines; nothing started is left running.
  // Throws as well when the run directory already has a live supervisor.
  static std::unique_ptr<SupervisedStack> start(SupervisedStackOptions options);

  // A handle on the stack recorded in `stack_file`, started by someone else (detached: the
  // destructor leaves it running). Throws when the file cannot be read.
  static std::unique_ptr<SupervisedStack> attach(const std::filesystem::path& stack_file);

  ~SupervisedStack();  // attached: stop()
  SupervisedStack(const SupervisedStack&) = delete;
  SupervisedStack& operator=(const SupervisedStack&) = delete;

  const StackFile& stack() const { return stack_; }
  const std::filesystem::path& stack_file() const { return stack_file_; }
  const std::filesystem::path& run_dir() const { return run_dir_; }
  pid_t supervisor_pid() const { return pid_; }
  StackLifetime lifetime() const { return lifetime_; }
  bool running() const;

  // SIGTERM to the supervisor and a wait of up to `grace` for the orderly stop; after that, as
  // a last resort, SIGKILL to the supervisor and to every service process group the stack file
  // names, removal of stack.json and of a temporary run directory. Idempotent.
  StopReport stop(std::chrono::milliseconds grace = std::chrono::seconds(60));

  // The destructor of an attached stack will not stop it (its supervisor still dies with the
  // starting thread).
  void release() { lifetime_ = StackLifetime::detached; }

 private:
  SupervisedStack() = default;
  void follow_start(LineTail& tail, const SupervisedStackOptions& options);
  bool supervisor_alive() const;
  void reap();

  StackFile stack_;
  std::filesystem::path stack_file_;
  std::filesystem::path run_dir_;
  pid_t pid_ = -1;
  std::uint64_t start_ticks_ = 0;
  bool is_child_ = false;   // we started it, so we reap it
  bool reaped_ = false;
  bool stopped_ = false;
  StackLifetime lifetime_ = StackLifetime::attached;
};

// The supervisor's side, for `mcp-harness supervise`: runs the stack until a stop signal or the
// ttl, printing the protocol lines above to stdout. Returns the process exit code: 0 after a
// clean stop, 1 when the stack did not come up.
struct SupervisorOptions {
  StackParams stack;                    // an empty run_dir: a temporary directory, removed at the end
  bool remove_run_dir = false;          // remove stack.run_dir at the end (it is a temporary one)
  std::string log_path;                 // where our stdout goes, recorded in the stack file
  std::chrono::seconds ttl{0};
};
int run_supervisor(const SupervisorOptions& options);

// True when a supervisor holds the lock of `run_dir` (it is alive; the lock dies with it).
bool supervisor_running_in(const std::filesystem::path& run_dir);
// The pid of the supervisor that holds the lock of `run_dir`, which it writes into the lock file
// once it holds it; none when no supervisor holds it. Known before the stack file is written, so
// that a stack still starting can be stopped.
std::optional<int> supervisor_pid_in(const std::filesystem::path& run_dir);

// `mcp-harness down --purge`: removes what stacks write in `run_dir` (the stack file, the
// services' logs, the PostgreSQL cluster, the audit log, the supervisor's log and lock) — only
// those names, for a run directory may hold a user's files — and the directory itself when
// nothing else is left. Returns the names removed. Throws std::runtime_error while a supervisor
// runs there.
std::vector<std::string> purge_run_dir(const std::filesystem::path& run_dir);

}  // namespace mcph::harness::stack
