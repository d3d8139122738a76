// The supervisor process: owns a LocalStack from start to stop (see supervised_stack.h).
#include <fcntl.h>
#include <poll.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <csignal>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <functional>
#include <optional>
#include <stdexcept>

#include "mcph/harness/stack/local_stack.h"
#include "mcph/harness/stack/process_state.h"
#include "mcph/harness/stack/service_table.h"
#include "mcph/harness/stack/supervised_stack.h"
#include "mcph/proc/temp_dir.h"

namespace mcph::harness::stack {
namespace {

namespace fs = std::filesystem;
using Clock = std::chrono::steady_clock;

constexpr const char* kLockName = "supervisor.lock";
constexpr int kStopSignals[] = {SIGTERM, SIGINT, SIGHUP};

int g_wakeup[2] = {-1, -1};

extern "C" void on_stop_signal(int signo) {
  const int saved = errno;
  const char byte = static_cast<char>(signo);
  (void)!::write(g_wakeup[1], &byte, 1);
  errno = saved;
}

// A handler that writes the signal to a pipe (not a blocked mask and sigwait: a blocked mask
// would be inherited by the services this process starts, and they must stay stoppable).
class StopSignals {
 public:
  StopSignals() {
    if (::pipe2(g_wakeup, O_CLOEXEC | O_NONBLOCK) != 0) {
      throw std::runtime_error(std::string("pipe: ") + std::strerror(errno));
    }
    struct sigaction action {};
    action.sa_handler = on_stop_signal;
    action.sa_flags = SA_RESTART;
    sigemptyset(&action.sa_mask);
    for (int signo : kStopSignals) ::sigaction(signo, &action, nullptr);
  }
  ~StopSignals() {
    struct sigaction action {};
    action.sa_handler = SIG_DFL;
    sigemptyset(&action.sa_mask);
    for (int signo : kStopSignals) ::sigaction(signo, &action, nullptr);
    ::close(g_wakeup[0]);
    ::close(g_wakeup[1]);
    g_wakeup[0] = g_wakeup[1] = -1;
  }
  StopSignals(const StopSignals&) = delete;
  StopSignals& operator=(const StopSignals&) = delete;

  // A signal that has already arrived, if any.
  std::optional<int> pending() const {
    char byte = 0;
    if (::read(g_wakeup[0], &byte, 1) == 1) return static_cast<int>(byte);
    return std::nullopt;
  }

  // Waits for a stop signal; nullopt when `ttl` (if > 0) passed first, or `gone` (asked every
  // `kGoneCheck`) said so.
  std::optional<int> wait(std::chrono::seconds ttl, const std::function<bool()>& gone) const {
    const auto deadline = Clock::now() + ttl;
    for (;;) {
      if (auto signo = pending()) return signo;
      if (gone()) return std::nullopt;
      long long timeout_ms = kGoneCheck.count();
      if (ttl.count() > 0) {
        const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now());
        if (left.count() <= 0) return std::nullopt;
        timeout_ms = std::min<long long>(left.count() + 1, timeout_ms);
      }
      pollfd fd{g_wakeup[0], POLLIN, 0};
      ::poll(&fd, 1, static_cast<int>(timeout_ms));  // EINTR: look again
    }
  }

  static constexpr std::chrono::milliseconds kGoneCheck{1000};
};

void say(const std::string& line) {
  std::printf("%s\n", line.c_str());
  std::fflush(stdout);
}

// An exclusive flock on <run_dir>/supervisor.lock for the supervisor's whole life. The kernel
// drops it when the process dies, however it dies, so it is the truth about "a supervisor runs
// in this directory" even when stack.json is stale.
class RunDirLock {
 public:
  explicit RunDirLock(const fs::path& run_dir) {
    const auto path = run_dir / kLockName;
    fd_ = ::open(path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0600);
    if (fd_ < 0) throw std::runtime_error("cannot open " + path.string() + ": " + std::strerror(errno));
    if (::flock(fd_, LOCK_EX | LOCK_NB) != 0) {
      ::close(fd_);
      throw std::runtime_error("another supervisor is running in " + run_dir.string() +
                               " (it holds " + path.string() + ")");
    }
    // Our pid, for `down` while the stack starts (supervisor_pid_in); trusted only while held.
    const std::string pid = std::to_string(::getpid()) + "\n";
    if (::ftruncate(fd_, 0) != 0 || ::pwrite(fd_, pid.data(), pid.size(), 0) != static_cast<ssize_t>(pid.size())) {
      say("supervisor: cannot write its pid into " + path.string() + " (" + std::strerror(errno) +
          "): `down` finds it only once the stack is up");
    }
  }
  ~RunDirLock() { ::close(fd_); }
  RunDirLock(const RunDirLock&) = delete;
  RunDirLock& operator=(const RunDirLock&) = delete;

  // The lock file was unlinked: the run dir was removed under the stack (or emptied), so its
  // data directory and logs are gone too. A lock file of the same name made since is another's.
  bool removed() const {
    struct stat status {};
    return ::fstat(fd_, &status) == 0 && status.st_nlink == 0;
  }

 private:
  int fd_ = -1;
};

long long ms_since(Clock::time_point start) {
  return std::chrono::duration_cast<std::chrono::milliseconds>(Clock::now() - start).count();
}

// A progress line with the time since the start in front: "[  1.234 s] services: starting".
// The gaps between lines show where the start spends its time (initdb, provisioning).
std::function<void(const std::string&)> timed_progress(Clock::time_point start) {
  return [start](const std::string& line) {
    char stamp[32];
    std::snprintf(stamp, sizeof stamp, "[%7.3f s] ", static_cast<double>(ms_since(start)) / 1000.0);
    say(stamp + line);
  };
}

// What a previous stack left in a run directory we now hold the lock of (its logs, its
// PostgreSQL cluster: initdb refuses a non-empty directory). Only the names a stack writes: a
// run directory may be a user's directory with other files in it.
void clear_previous_stack(const fs::path& run_dir) {
  std::error_code ignored;
  for (const auto& name : stack_run_dir_entries()) fs::remove_all(run_dir / name, ignored);
}

std::string signal_name(int signo) {
  switch (signo) {
    case SIGTERM: return "SIGTERM";
    case SIGINT: return "SIGINT";
    case SIGHUP: return "SIGHUP";
    default: return "signal " + std::to_string(signo);
  }
}

// Under root, a PostgreSQL process of the stack's (the native row) runs as the `postgres` user
// (it refuses root), and postgres::Server opens only the run directory itself to it. Every
// directory above must let others pass, or initdb fails with a bare "Permission denied"; say what
// to do instead. A container's PostgreSQL never enters the run directory.
void check_postgres_can_reach(const fs::path& run_dir, StackMode mode) {
  if (::geteuid() != 0) return;
  const ServiceImplementation* postgres = find_service_row("postgres")->implementation_in(mode);
  if (!postgres || postgres->kind != Implementation::native) return;
  for (fs::path dir = run_dir.parent_path(); !dir.empty(); dir = dir.parent_path()) {
    struct stat info {};
    if (::stat(dir.c_str(), &info) == 0 && (info.st_mode & S_IXOTH) == 0) {
      throw std::runtime_error("PostgreSQL runs as the postgres user, which cannot enter " + dir.string() +
                               " (no search permission for others): choose a run directory it can reach, e.g. "
                               "under /tmp, or allow it (chmod o+x " + dir.string() + ")");
    }
    if (dir == dir.root_path()) break;
  }
}

}  // namespace

bool supervisor_running_in(const fs::path& run_dir) {
  const auto path = run_dir / kLockName;
  const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return false;
  const bool held = ::flock(fd, LOCK_SH | LOCK_NB) != 0 && errno == EWOULDBLOCK;
  ::close(fd);  // releases our shared lock, if we got it
  return held;
}

std::optional<int> supervisor_pid_in(const fs::path& run_dir) {
  if (!supervisor_running_in(run_dir)) return std::nullopt;
  std::ifstream lock(run_dir / kLockName);
  int pid = 0;
  // Written right after the lock was taken: read again while it is still held, so that a pid
  // read from a lock released (and its pid reused) meanwhile is never given.
  if (!(lock >> pid) || pid <= 1 || !supervisor_running_in(run_dir)) return std::nullopt;
  return pid;
}

int run_supervisor(const SupervisorOptions& options) {
  const StopSignals signals;  // first: a stop request during the start is remembered
  std::optional<proc::TempDir> temp;
  fs::path run_dir;
  if (options.stack.run_dir.empty()) {
    temp.emplace("mcph-stack");
    run_dir = temp->path();
  } else {
    run_dir = fs::absolute(options.stack.run_dir);
  }
  const bool removes_run_dir = temp.has_value() || options.remove_run_dir;
  const fs::path stack_path = run_dir / "stack.json";

  std::optional<RunDirLock> lock;
  std::unique_ptr<LocalStack> stack;
  // Only a supervisor that holds the lock may remove the directory: without it, the directory
  // belongs to another supervisor.
  auto remove_run_dir = [&] {
    if (!lock) return;
    lock.reset();
    if (!removes_run_dir) return;
    std::error_code ignored;
    if (temp) {
      temp.reset();
    } else {
      fs::remove_all(run_dir, ignored);
    }
  };

  const auto started = Clock::now();
  try {
    fs::create_directories(run_dir);
    lock.emplace(run_dir);
    clear_previous_stack(run_dir);  // we hold the lock: whatever is here is a stopped stack's
    check_postgres_can_reach(run_dir, options.stack.mode);
    say("supervisor: pid " + std::to_string(::getpid()) + ", run dir " + run_dir.string());
    StackParams params = options.stack;
    params.run_dir = run_dir;
    stack = LocalStack::up(params, timed_progress(started));

    if (const auto signo = signals.pending()) {
      say("supervisor: " + signal_name(*signo) + " during the start; stopping");
      stack->down();
      stack.reset();
      fs::remove(stack_path);
      remove_run_dir();
      return 0;
    }
    StackFile file = stack->stack();
    SupervisorEntry entry;
    entry.pid = ::getpid();
    entry.log = options.log_path;
    entry.start_ticks = process_start_ticks(::getpid()).value_or(0);
    entry.removes_run_dir = removes_run_dir;
    file.supervisor = entry;
    file.save(stack_path);
  } catch (const std::exception& e) {
    // LocalStack::up has stopped whatever it had started.
    stack.reset();
    say(std::string("stack failed: ") + e.what());
    remove_run_dir();
    return 1;
  }
  say("supervisor: stack up in " + std::to_string(ms_since(started)) + " ms");
  say("stack ready " + stack_path.string());

  // A run dir removed under a running stack (a test's temporary directory, deleted after its
  // `down` failed) must not leave the stack running until its ttl, or forever.
  bool orphaned = false;
  const auto signo = signals.wait(options.ttl, [&] { return orphaned = lock->removed(); });
  say(signo       ? "supervisor: " + signal_name(*signo) + ", stopping the stack"
      : orphaned  ? "supervisor: the run dir was removed, stopping the stack"
                  : "supervisor: ttl of " + std::to_string(options.ttl.count()) + " s passed, stopping the stack");
  const auto stopping = Clock::now();
  try {
    stack->down();  // MCP servers, mocks (mock-vault revokes its leases), then PostgreSQL
    stack.reset();
    std::error_code ignored;
    fs::remove(stack_path, ignored);
  } catch (const std::exception& e) {
    say(std::string("supervisor: stopping failed: ") + e.what());
    remove_run_dir();
    return 1;
  }
  say("supervisor: stack stopped in " + std::to_string(ms_since(stopping)) + " ms");
  remove_run_dir();
  return 0;
}

std::vector<std::string> purge_run_dir(const fs::path& run_dir) {
  if (supervisor_running_in(run_dir)) {
    throw std::runtime_error("a stack is running in " + run_dir.string() + ": stop it before purging its data");
  }
  std::vector<std::string> names = stack_run_dir_entries();
  names.push_back("supervisor.log");
  names.push_back(kLockName);
  std::vector<std::string> removed;
  for (const auto& name : names) {
    std::error_code error;
    if (!fs::exists(fs::symlink_status(run_dir / name))) continue;
    fs::remove_all(run_dir / name, error);
    if (error) throw std::runtime_error("cannot remove " + (run_dir / name).string() + ": " + error.message());
    removed.push_back(name);
  }
  std::error_code ignored;
  if (fs::is_empty(run_dir, ignored)) fs::remove(run_dir, ignored);
  return removed;
}

}  // namespace mcph::harness::stack
