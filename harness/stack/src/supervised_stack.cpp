// The starting side of a supervised stack: spawns `mcp-harness supervise`, follows its output
// until the stack is ready, and stops it (see supervised_stack.h).
#include "mcph/harness/stack/supervised_stack.h"

#include <fcntl.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <csignal>
#include <cstring>
#include <deque>
#include <fstream>
#include <stdexcept>
#include <thread>

#include "mcph/harness/fixtures/text_file.h"
#include "mcph/harness/stack/local_stack.h"
#include "mcph/harness/stack/process_state.h"

extern char** environ;

namespace mcph::harness::stack {
namespace {

namespace fs = std::filesystem;
using namespace std::chrono_literals;
using Clock = std::chrono::steady_clock;

constexpr std::string_view kReady = "stack ready ";
constexpr std::string_view kFailed = "stack failed: ";

}  // namespace

// Reads the complete lines appended to a file since the last call. The file stays open, so
// lines stay readable after the supervisor removed its (temporary) run directory.
class LineTail {
 public:
  explicit LineTail(const fs::path& path) : in_(path) {
    if (!in_) throw std::runtime_error("cannot read " + path.string());
  }
  std::vector<std::string> next() {
    in_.clear();
    char buffer[4096];
    while (in_.read(buffer, sizeof buffer) || in_.gcount() > 0) {
      pending_.append(buffer, static_cast<std::size_t>(in_.gcount()));
      if (in_.eof()) break;
    }
    std::vector<std::string> lines;
    for (auto nl = pending_.find('\n'); nl != std::string::npos; nl = pending_.find('\n')) {
      lines.push_back(pending_.substr(0, nl));
      pending_.erase(0, nl + 1);
    }
    return lines;
  }

 private:
  std::ifstream in_;
  std::string pending_;
};

namespace {

fs::path make_temp_dir() {
  std::string pattern = (fs::temp_directory_path() / "mcph-stack-XXXXXX").string();
  if (!::mkdtemp(pattern.data())) {
    throw std::runtime_error("cannot create a temporary run directory: " + std::string(std::strerror(errno)));
  }
  return pattern;
}

std::vector<std::string> environment_with(const std::vector<std::pair<std::string, std::string>>& extra) {
  std::vector<std::string> env;
  for (char** e = environ; *e; ++e) {
    const std::string_view entry(*e);
    const auto key = entry.substr(0, entry.find('='));
    bool replaced = false;
    for (const auto& [name, value] : extra) replaced = replaced || name == key;
    if (!replaced) env.emplace_back(entry);
  }
  for (const auto& [name, value] : extra) env.push_back(name + "=" + value);
  return env;
}

std::vector<char*> pointers(std::vector<std::string>& strings) {
  std::vector<char*> out;
  for (auto& s : strings) out.push_back(s.data());
  out.push_back(nullptr);
  return out;
}

// fork + exec of the supervisor with stdout and stderr to `log_fd`. proc::ChildProcess cannot
// start a new session (setsid), which a detached supervisor needs, so this is done here.
// Only async-signal-safe calls between fork and exec.
pid_t spawn_supervisor(std::vector<std::string> argv, std::vector<std::string> env, int log_fd,
                       StackLifetime lifetime) {
  auto args = pointers(argv);
  auto envp = pointers(env);
  int error_pipe[2];
  if (::pipe2(error_pipe, O_CLOEXEC) != 0) throw std::runtime_error("pipe: " + std::string(std::strerror(errno)));
  const pid_t parent = ::getpid();
  const pid_t pid = ::fork();
  if (pid < 0) {
    ::close(error_pipe[0]);
    ::close(error_pipe[1]);
    throw std::runtime_error("cannot fork the supervisor: " + std::string(std::strerror(errno)));
  }
  if (pid == 0) {
    if (lifetime == StackLifetime::detached) {
      ::setsid();  // a new session and process group: no terminal, no parent-death signal
    } else {
      ::setpgid(0, 0);  // Ctrl-C in a terminal goes to the owner, whose death stops us in order
      ::prctl(PR_SET_PDEATHSIG, SIGTERM);
      if (::getppid() != parent) ::_exit(1);  // the owner died before the prctl
    }
    sigset_t none;
    sigemptyset(&none);
    ::sigprocmask(SIG_SETMASK, &none, nullptr);  // the owner may block signals; we must not
    const int devnull = ::open("/dev/null", O_RDONLY);
    if (devnull >= 0) ::dup2(devnull, STDIN_FILENO);
    ::dup2(log_fd, STDOUT_FILENO);
    ::dup2(log_fd, STDERR_FILENO);
    ::execve(argv[0].c_str(), args.data(), envp.data());
    const int error = errno;
    (void)!::write(error_pipe[1], &error, sizeof error);
    ::_exit(127);
  }
  if (lifetime == StackLifetime::attached) ::setpgid(pid, pid);  // the group exists before we signal it
  ::close(error_pipe[1]);
  int error = 0;
  const auto got = ::read(error_pipe[0], &error, sizeof error);
  ::close(error_pipe[0]);
  if (got == static_cast<ssize_t>(sizeof error)) {
    int status = 0;
    ::waitpid(pid, &status, 0);
    throw std::runtime_error("cannot start the supervisor " + argv[0] + ": " + std::strerror(error));
  }
  return pid;
}

std::string describe_status(int status) {
  if (WIFEXITED(status)) return "exited with status " + std::to_string(WEXITSTATUS(status));
  if (WIFSIGNALED(status)) return "was killed by signal " + std::to_string(WTERMSIG(status));
  return "stopped";
}

std::string quoted(const std::deque<std::string>& lines) {
  std::string out;
  for (const auto& line : lines) out += "\n  | " + line;
  return out.empty() ? "\n  | (no output)" : out;
}

}  // namespace

std::unique_ptr<SupervisedStack> SupervisedStack::start(SupervisedStackOptions options) {
  std::unique_ptr<SupervisedStack> self(new SupervisedStack());
  self->lifetime_ = options.lifetime;
  const bool temporary = options.stack.run_dir.empty();
  if (temporary) {
    self->run_dir_ = make_temp_dir();
  } else {
    self->run_dir_ = fs::absolute(options.stack.run_dir);
    fixtures::create_private_directory(self->run_dir_);
    if (supervisor_running_in(self->run_dir_)) {
      throw std::runtime_error("a stack is already running in " + self->run_dir_.string() +
                               "; stop it first (mcp-harness down --run-dir " + self->run_dir_.string() + ")");
    }
  }
  // From here on a failure must not leave a temporary run directory behind.
  struct TempGuard {
    fs::path dir;
    ~TempGuard() {
      std::error_code ignored;
      if (!dir.empty()) fs::remove_all(dir, ignored);
    }
  } guard{temporary ? self->run_dir_ : fs::path()};

  const fs::path log_path = self->run_dir_ / "supervisor.log";
  const int log_fd = ::open(log_path.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_APPEND | O_CLOEXEC, 0600);
  if (log_fd < 0) throw std::runtime_error("cannot open " + log_path.string() + ": " + std::strerror(errno));
  LineTail tail(log_path);

  std::vector<std::string> argv = {
      options.harness_binary.empty() ? service_binary("mcp-harness") : options.harness_binary,
      "supervise",
      "--run-dir", self->run_dir_.string(),
      "--log", log_path.string(),
      "--ttl", std::to_string(options.ttl.count())};
  for (auto& flag : options.stack.to_flags()) argv.push_back(std::move(flag));
  if (temporary) argv.push_back("--remove-run-dir");
  try {
    self->pid_ = spawn_supervisor(argv, environment_with(options.env), log_fd, options.lifetime);
  } catch (...) {
    ::close(log_fd);
    throw;
  }
  ::close(log_fd);
  self->is_child_ = true;

  // Follow the supervisor's output: progress lines, then "stack ready" or "stack failed: …".
  // Whatever goes wrong here stops the supervisor before the temporary directory goes.
  try {
    self->follow_start(tail, options);
  } catch (...) {
    self->stop(10s);
    throw;
  }
  guard.dir.clear();  // the supervisor owns the run directory now
  return self;
}

void SupervisedStack::follow_start(LineTail& tail, const SupervisedStackOptions& options) {
  auto start_timeout = options.start_timeout;
  if (start_timeout.count() <= 0) {
    start_timeout = options.stack.mode == StackMode::real || options.stack.mode == StackMode::compose ? 10min : 3min;
  }
  const auto deadline = Clock::now() + start_timeout;
  std::deque<std::string> recent;  // the last lines, for an error without the supervisor's own
  std::optional<std::string> failure;
  for (;;) {
    siginfo_t info{};
    const bool exited = ::waitid(P_PID, static_cast<id_t>(pid_), &info, WEXITED | WNOHANG | WNOWAIT) == 0 &&
                        info.si_pid != 0;  // checked before reading: output written before exit is seen
    for (auto& line : tail.next()) {
      if (failure) {
        *failure += "\n" + line;
      } else if (line.rfind(kFailed, 0) == 0) {
        failure = line.substr(kFailed.size());
      } else if (line.rfind(kReady, 0) == 0) {
        stack_file_ = line.substr(kReady.size());
        stack_ = StackFile::load(stack_file_);
        if (stack_.supervisor) start_ticks_ = stack_.supervisor->start_ticks;
        return;
      } else {
        if (options.progress) options.progress(line);
        recent.push_back(std::move(line));
        if (recent.size() > 20) recent.pop_front();
      }
    }
    if (exited) {
      int status = 0;
      ::waitpid(pid_, &status, 0);
      reaped_ = stopped_ = true;
      if (failure) throw std::runtime_error(*failure);
      throw std::runtime_error("the stack supervisor " + describe_status(status) +
                               " before the stack was ready; its last lines:" + quoted(recent));
    }
    if (options.cancelled && options.cancelled()) {
      stop();
      throw StartCancelled("the start was cancelled; the supervisor stopped what it had started");
    }
    if (Clock::now() >= deadline) {
      throw std::runtime_error("the stack was not ready within " + std::to_string(start_timeout.count()) +
                               " ms; the supervisor's last lines:" + quoted(recent));
    }
    std::this_thread::sleep_for(10ms);
  }
}

std::unique_ptr<SupervisedStack> SupervisedStack::attach(const fs::path& stack_file) {
  std::unique_ptr<SupervisedStack> self(new SupervisedStack());
  self->lifetime_ = StackLifetime::detached;
  self->stack_file_ = fs::absolute(stack_file);
  self->run_dir_ = self->stack_file_.parent_path();
  self->stack_ = StackFile::load(self->stack_file_);
  if (self->stack_.supervisor) {
    self->pid_ = self->stack_.supervisor->pid;
    self->start_ticks_ = self->stack_.supervisor->start_ticks;
  }
  return self;
}

SupervisedStack::~SupervisedStack() {
  if (lifetime_ != StackLifetime::attached) return;
  try {
    stop();
  } catch (...) {
    // A destructor must not throw; stop() only fails on filesystem errors during cleanup.
  }
}

bool SupervisedStack::supervisor_alive() const {
  return pid_ > 0 && !reaped_ && process_is(pid_, start_ticks_);
}

bool SupervisedStack::running() const { return supervisor_alive(); }

void SupervisedStack::reap() {
  if (!is_child_ || reaped_ || pid_ <= 0) return;
  int status = 0;
  if (::waitpid(pid_, &status, WNOHANG) == pid_) reaped_ = true;
}

StopReport SupervisedStack::stop(std::chrono::milliseconds grace) {
  StopReport report;
  if (stopped_) return report;
  stopped_ = true;
  report.was_running = supervisor_alive();
  if (report.was_running) {
    ::kill(pid_, SIGTERM);
    if (!wait_until_gone(pid_, grace)) {
      report.forced = true;
      ::kill(-pid_, SIGKILL);  // the supervisor leads its own process group
      ::kill(pid_, SIGKILL);
      wait_until_gone(pid_, 5s);
    }
  }
  // Blocking, now that it is gone (or gone at once after SIGKILL).
  if (is_child_ && !reaped_ && pid_ > 0 && !process_alive(pid_)) {
    int status = 0;
    ::waitpid(pid_, &status, 0);
    reaped_ = true;
  }
  if (!stack_.supervisor) {
    // Not written by a supervisor: its processes are not ours to signal. Report what lives.
    for (const auto& [name, service] : stack_.services) {
      if (service.pid > 0 && process_alive(service.pid)) {
        report.survivors.push_back(name + " (pid " + std::to_string(service.pid) + ")");
      }
    }
    return report;
  }

  // Last resort: services left behind by a supervisor that did not stop them (it was killed).
  // They normally die with it (parent-death signal), so this rarely finds anything.
  std::vector<std::pair<std::string, pid_t>> services;
  for (const auto& [name, service] : stack_.services) {
    if (service.pid > 0 && service_process_alive(service.pid, start_ticks_)) {
      ::kill(-service.pid, SIGKILL);
      services.emplace_back(name, service.pid);
    }
  }
  for (const auto& [name, pid] : services) wait_until_gone(pid, 5s);
  if (pid_ > 0 && process_is(pid_, start_ticks_)) {
    report.survivors.push_back("supervisor (pid " + std::to_string(pid_) + ")");
  }
  for (const auto& [name, service] : stack_.services) {
    if (service.pid > 0 && service_process_alive(service.pid, start_ticks_)) {
      report.survivors.push_back(name + " (pid " + std::to_string(service.pid) + ")");
    }
  }
  // What an orderly stop would have removed. stack.json only when it still names this
  // supervisor (a new stack may have been started in the same directory since).
  std::error_code ignored;
  if (!stack_file_.empty() && fs::exists(stack_file_)) {
    try {
      const StackFile current = StackFile::load(stack_file_);
      if (current.supervisor && current.supervisor->pid == stack_.supervisor->pid &&
          current.supervisor->start_ticks == stack_.supervisor->start_ticks) {
        fs::remove(stack_file_, ignored);
      }
    } catch (const std::exception&) {
      // Unreadable: not ours to judge.
    }
  }
  if (stack_.supervisor->removes_run_dir && report.survivors.empty() && !supervisor_running_in(run_dir_)) {
    fs::remove_all(run_dir_, ignored);
  }
  return report;
}

}  // namespace mcph::harness::stack
