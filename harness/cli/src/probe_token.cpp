#include "probe_token.h"

#include <poll.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <sstream>
#include <vector>

namespace mcph::harness::cli {
namespace {

std::vector<std::string> words_of(const std::string& command) {
  std::istringstream in(command);
  std::vector<std::string> words;
  for (std::string word; in >> word;) words.push_back(word);
  return words;
}

}  // namespace

std::string token_from_command(const std::string& command, std::chrono::milliseconds timeout) {
  const std::vector<std::string> words = words_of(command);
  if (words.empty()) throw TokenCommandError("--token-command is empty");
  int out[2];
  if (::pipe(out) != 0) throw TokenCommandError("cannot make a pipe for the token command");
  const pid_t pid = ::fork();
  if (pid < 0) throw TokenCommandError("cannot start the token command");
  if (pid == 0) {
    ::dup2(out[1], STDOUT_FILENO);
    ::close(out[0]);
    ::close(out[1]);
    std::vector<char*> argv;
    for (const auto& word : words) argv.push_back(const_cast<char*>(word.c_str()));
    argv.push_back(nullptr);
    ::execvp(argv[0], argv.data());
    ::_exit(127);
  }
  ::close(out[1]);
  std::string printed;
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  bool timed_out = false;
  for (;;) {
    const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - std::chrono::steady_clock::now());
    pollfd readable{out[0], POLLIN, 0};
    if (left.count() <= 0 || ::poll(&readable, 1, static_cast<int>(left.count())) == 0) {
      timed_out = true;
      break;
    }
    char buffer[4096];
    const ssize_t n = ::read(out[0], buffer, sizeof buffer);
    if (n <= 0) break;
    printed.append(buffer, static_cast<std::size_t>(n));
  }
  ::close(out[0]);
  if (timed_out) ::kill(pid, SIGKILL);
  int status = 0;
  ::waitpid(pid, &status, 0);
  const std::string name = words.front();
  if (timed_out) throw TokenCommandError("the token command " + name + " printed no token within " +
                                         std::to_string(timeout.count() / 1000) + " s");
  if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
    throw TokenCommandError("the token command " + name + " failed (" +
                            (WIFEXITED(status) ? "exit " + std::to_string(WEXITSTATUS(status)) : std::string("killed")) + ")");
  }
  const auto first = printed.find_first_not_of(" \t\r\n");
  if (first == std::string::npos) throw TokenCommandError("the token command " + name + " printed nothing");
  const std::string token = printed.substr(first, printed.find_last_not_of(" \t\r\n") - first + 1);
  if (token.find_first_of(" \t\r\n") != std::string::npos) {
    throw TokenCommandError("the token command " + name + " printed more than one word; it must print the token alone");
  }
  return token;
}

}  // namespace mcph::harness::cli
