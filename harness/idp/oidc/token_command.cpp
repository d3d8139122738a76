#include "mcph/harness/idp/token_command.h"

#include <stdexcept>

#include "mcph/proc/child_process.h"

namespace mcph::harness::idp {
namespace {

std::string trimmed(const std::string& text) {
  const auto first = text.find_first_not_of(" \t\r\n");
  if (first == std::string::npos) return "";
  return text.substr(first, text.find_last_not_of(" \t\r\n") - first + 1);
}

}  // namespace

std::string run_token_command(const std::string& identity, const std::vector<std::string>& command,
                              std::chrono::milliseconds timeout) {
  if (command.empty()) throw std::runtime_error("identity " + identity + ": its token_command is empty");
  const std::string what = "identity " + identity + ": token_command " + command.front();
  proc::SpawnOptions spawn;
  spawn.name = "token-command";
  spawn.argv = command;
  spawn.discard_stderr = true;  // the token is its standard output; what it says on stderr is not
  proc::CommandResult result;
  try {
    result = proc::run_command(spawn, timeout);
  } catch (const proc::ProcessError&) {
    throw std::runtime_error(what + " could not be started");
  }
  if (result.exit_code != 0) {
    const bool timed_out = result.output.find("(timed out after") != std::string::npos && result.exit_code == -1;
    throw std::runtime_error(what + (timed_out ? " ran past " + std::to_string(timeout.count()) + " ms and was stopped"
                                               : " failed (exit code " + std::to_string(result.exit_code) + ")") +
                             "; its output is not shown, it may hold a secret");
  }
  const std::string token = trimmed(result.output);
  if (token.empty()) throw std::runtime_error(what + " printed no token");
  if (token.find_first_of(" \t\r\n") != std::string::npos) {
    throw std::runtime_error(what + " printed more than one word; it must print the token alone (output not shown)");
  }
  return token;
}

}  // namespace mcph::harness::idp
