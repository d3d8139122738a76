#pragma once
// A token got by running a command the identity names (a CLI of the provider, a vault read), or
// `probe --token-command`: its argv run without a shell, its standard output the token (what it
// writes on standard error is discarded). What it printed is never repeated in an
// error: it may be a secret, or hold one.
#include <chrono>
#include <string>
#include <vector>

namespace mcph::harness::idp {

// The token `command` prints for `identity` (its output trimmed of surrounding white space).
// Throws std::runtime_error naming the identity and the program: it exited non-zero (its exit
// code), ran past `timeout`, could not start, or printed nothing, or more than one word.
std::string run_token_command(const std::string& identity, const std::vector<std::string>& command,
                              std::chrono::milliseconds timeout = std::chrono::seconds(30));

}  // namespace mcph::harness::idp
