#include "mcph/proc/child_process.h"

#include <fcntl.h>
#include <grp.h>
#include <pwd.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <deque>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <thread>

#include "mcph/proc/poll_until.h"

extern char** environ;

namespace mcph::proc {
namespace {

using namespace std::chrono_literals;

std::string resolve_program(const std::string& program) {
  if (program.find('/') != std::string::npos) return program;
  const char* path = std::getenv("PATH");
  std::stringstream dirs(path ? path : "/usr/bin:/bin");
  for (std::string dir; std::getline(dirs, dir, ':');) {
    auto candidate = (std::filesystem::path(dir.empty() ? "." : dir) / program).string();
    if (::access(candidate.c_str(), X_OK) == 0) return candidate;
  }
  throw ProcessError("cannot start " + program + ": not found in PATH");
}

std::vector<std::string> merged_environment(const SpawnOptions& options) {
  std::vector<std::string> env;
  for (char** e = environ; *e; ++e) {
    std::string_view entry(*e);
    const auto key = entry.substr(0, entry.find('='));
    bool replaced = false;
    for (const auto& [name, value] : options.env) replaced = replaced || name == key;
    if (!replaced) env.emplace_back(entry);
  }
  for (const auto& [name, value] : options.env) env.push_back(name + "=" + value);
  return env;
}

std::vector<char*> pointers(std::vector<std::string>& strings) {
  std::vector<char*> out;
  for (auto& s : strings) out.push_back(s.data());
  out.push_back(nullptr);
  return out;
}

// Only async-signal-safe calls between fork and exec: the parent may have other threads.
[[noreturn]] void exec_child(int log_fd, int error_fd, const char* program, char* const* argv,
                             char* const* envp, const char* working_dir, const passwd* user,
                             int death_signal, bool discard_stderr) {
  auto fail = [error_fd](int step) {
    const int report[2] = {step, errno};
    (void)!::write(error_fd, report, sizeof report);
    ::_exit(127);
  };
  ::setpgid(0, 0);
  int devnull = ::open("/dev/null", O_RDONLY);
  if (devnull < 0 || ::dup2(devnull, STDIN_FILENO) < 0) fail(1);
  const int error_sink = discard_stderr ? ::open("/dev/null", O_WRONLY) : log_fd;
  if (error_sink < 0 || ::dup2(log_fd, STDOUT_FILENO) < 0 || ::dup2(error_sink, STDERR_FILENO) < 0) fail(1);
  if (working_dir && ::chdir(working_dir) != 0) fail(2);
  if (user) {
    if (::setgroups(0, nullptr) != 0 || ::setgid(user->pw_gid) != 0 || ::setuid(user->pw_uid) != 0) fail(3);
  }
  // After setuid, which clears it. Checking the parent afterwards closes the race in which it
  // died before the prctl.
  if (death_signal != 0) {
    ::prctl(PR_SET_PDEATHSIG, death_signal);
    if (::getppid() == 1) ::_exit(1);
  }
  ::execve(program, argv, envp);
  fail(4);
  ::_exit(127);
}

}  // namespace

ChildProcess ChildProcess::spawn(SpawnOptions options) {
  if (options.argv.empty()) throw ProcessError("spawn: empty command line");
  if (options.name.empty()) options.name = std::filesystem::path(options.argv[0]).filename().string();
  const std::string program = resolve_program(options.argv[0]);

  ChildProcess child;
  if (options.log_path.empty()) {
    std::string pattern = (std::filesystem::temp_directory_path() / ("mcph-" + options.name + "-XXXXXX.log")).string();
    int fd = ::mkstemps(pattern.data(), 4);
    if (fd < 0) throw ProcessError("cannot create a log file for " + options.name + ": " + std::strerror(errno));
    ::close(fd);
    options.log_path = pattern;
    child.owns_log_ = true;
  }
  int log_fd = ::open(options.log_path.c_str(), O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0600);
  if (log_fd < 0) {
    throw ProcessError("cannot open log file " + options.log_path + " for " + options.name + ": " +
                       std::strerror(errno));
  }

  passwd user_entry{};
  const passwd* user = nullptr;
  if (!options.run_as_user.empty() && ::geteuid() == 0) {
    const passwd* found = ::getpwnam(options.run_as_user.c_str());
    if (!found) {
      ::close(log_fd);
      throw ProcessError("cannot start " + options.name + ": no system user '" + options.run_as_user + "'");
    }
    user_entry = *found;
    user = &user_entry;
  }

  auto args = options.argv;
  auto env = merged_environment(options);
  auto argv = pointers(args);
  auto envp = pointers(env);
  int error_pipe[2];
  if (::pipe2(error_pipe, O_CLOEXEC) != 0) {
    ::close(log_fd);
    throw ProcessError("pipe: " + std::string(std::strerror(errno)));
  }
  const pid_t pid = ::fork();
  if (pid < 0) {
    ::close(log_fd);
    throw ProcessError("cannot fork for " + options.name + ": " + std::strerror(errno));
  }
  if (pid == 0) {
    exec_child(log_fd, error_pipe[1], program.c_str(), argv.data(), envp.data(),
               options.working_dir.empty() ? nullptr : options.working_dir.c_str(), user,
               options.die_with_parent ? options.stop_signal : 0, options.discard_stderr);
  }
  ::setpgid(pid, pid);  // also from here, so the group exists before anyone signals it
  ::close(log_fd);
  ::close(error_pipe[1]);
  int report[2] = {0, 0};
  const auto got = ::read(error_pipe[0], report, sizeof report);
  ::close(error_pipe[0]);
  child.pid_ = pid;
  child.options_ = std::move(options);
  if (got == static_cast<ssize_t>(sizeof report)) {
    child.stop(0ms);
    static const char* const kSteps[] = {"", "redirect output", "chdir", "switch user", "exec"};
    throw ProcessError("cannot start " + child.options_.name + " (" + kSteps[report[0]] + "): " +
                       std::strerror(report[1]));
  }
  return child;
}

ChildProcess::ChildProcess(ChildProcess&& other) noexcept
    : pid_(std::exchange(other.pid_, -1)),
      status_(other.status_),
      owns_log_(std::exchange(other.owns_log_, false)),
      options_(std::move(other.options_)) {}

ChildProcess& ChildProcess::operator=(ChildProcess&& other) noexcept {
  if (this != &other) {
    stop();
    pid_ = std::exchange(other.pid_, -1);
    status_ = other.status_;
    owns_log_ = std::exchange(other.owns_log_, false);
    options_ = std::move(other.options_);
  }
  return *this;
}

ChildProcess::~ChildProcess() {
  stop();
  if (owns_log_) {
    std::error_code ignored;
    std::filesystem::remove(options_.log_path, ignored);
  }
}

bool ChildProcess::running() {
  if (pid_ <= 0 || status_) return false;
  siginfo_t info{};
  // WNOWAIT: notice the exit without reaping, so the process group id stays ours until stop().
  if (::waitid(P_PID, static_cast<id_t>(pid_), &info, WEXITED | WNOHANG | WNOWAIT) != 0) return false;
  return info.si_pid == 0;
}

int ChildProcess::stop(std::chrono::milliseconds grace) {
  if (pid_ <= 0) return status_.value_or(-1);
  if (status_) return *status_;
  if (running()) {
    ::kill(-pid_, options_.stop_signal);
    poll_until([&] { return !running(); }, grace, 5ms);
  }
  // Whatever is left of the group (the leader, or children it left behind) is killed; the
  // leader is not reaped yet, so the group id cannot have been reused.
  ::kill(-pid_, SIGKILL);
  int status = 0;
  while (::waitpid(pid_, &status, 0) < 0 && errno == EINTR) {
  }
  status_ = status;
  return status;
}

std::string ChildProcess::last_log_lines(std::size_t count) const { return last_lines_of(options_.log_path, count); }

std::string last_lines_of(const std::string& path, std::size_t count) {
  std::ifstream in(path);
  std::deque<std::string> lines;
  for (std::string line; std::getline(in, line);) {
    lines.push_back(std::move(line));
    if (lines.size() > count) lines.pop_front();
  }
  std::string out;
  for (const auto& line : lines) out += "  | " + line + "\n";
  return out.empty() ? "  | (log is empty)\n" : out;
}

std::string ChildProcess::wait_for_line(const std::function<bool(std::string_view)>& match,
                                        std::chrono::milliseconds timeout) {
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  std::ifstream in;
  std::string pending;
  for (;;) {
    const bool alive = running();  // before reading, so output written just before exit is seen
    if (!in.is_open()) in.open(options_.log_path);
    if (in.is_open()) {
      in.clear();
      char buffer[4096];
      while (in.read(buffer, sizeof buffer) || in.gcount() > 0) {
        pending.append(buffer, static_cast<std::size_t>(in.gcount()));
        if (in.eof()) break;
      }
      for (auto nl = pending.find('\n'); nl != std::string::npos; nl = pending.find('\n')) {
        std::string line = pending.substr(0, nl);
        pending.erase(0, nl + 1);
        if (match(line)) return line;
      }
    }
    if (!alive) {
      stop(0ms);
      const int status = *status_;
      const std::string how = WIFEXITED(status) ? "exited with status " + std::to_string(WEXITSTATUS(status))
                                                : "was killed by signal " + std::to_string(WTERMSIG(status));
      throw ProcessError(options_.name + " " + how + " before it was ready; last lines of " +
                         options_.log_path + ":\n" + last_log_lines());
    }
    if (std::chrono::steady_clock::now() >= deadline) {
      throw ProcessError(options_.name + " was not ready within " + std::to_string(timeout.count()) +
                         " ms; last lines of " + options_.log_path + ":\n" + last_log_lines());
    }
    std::this_thread::sleep_for(10ms);
  }
}

CommandResult run_command(const SpawnOptions& options, std::chrono::milliseconds timeout) {
  SpawnOptions command = options;
  command.log_path.clear();
  ChildProcess child = ChildProcess::spawn(std::move(command));
  poll_until([&] { return !child.running(); }, timeout, std::chrono::milliseconds(5));
  const bool timed_out = child.running();
  const int status = child.stop(std::chrono::milliseconds(500));
  CommandResult result;
  result.exit_code = !timed_out && WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  std::ifstream in(child.log_path());
  result.output.assign(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
  if (timed_out) result.output += "\n(timed out after " + std::to_string(timeout.count()) + " ms)\n";
  return result;
}

}  // namespace mcph::proc
