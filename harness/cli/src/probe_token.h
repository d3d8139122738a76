#pragma once
// The credential `probe --token-command` asks for: a program (its words split on spaces, run
// without a shell) that prints a token on its standard output. The token is only ever sent to
// the probed server, never printed, logged or written.
#include <chrono>
#include <stdexcept>
#include <string>

namespace mcph::harness::cli {

struct TokenCommandError : std::runtime_error {
  using std::runtime_error::runtime_error;
};

// Its standard output, trimmed. Throws TokenCommandError (its exit status, or that it printed
// nothing or more than one line; never what it printed) when it gives no token within `timeout`.
std::string token_from_command(const std::string& command, std::chrono::milliseconds timeout = std::chrono::seconds(30));

}  // namespace mcph::harness::cli
