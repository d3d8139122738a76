#pragma once
// What a team hands `mcp-harness probe --token-command` in the tests: a program that prints a
// token, and an agent's token got by the client credentials grant.
#include <filesystem>
#include <string>

#include "mcph/harness/stack/stack_file.h"

namespace mcph::harness::scenario {

// A token command: a script in `dir` (which must be private) that prints `token`, kept in a 0600
// file beside it.
std::string token_command(const std::filesystem::path& dir, const std::string& token);

// `agent`'s access token for `scope` by the client credentials grant of a stack file's entry,
// whose clients file is relative to `stack_dir` (stack::agent_access_token).
std::string client_credentials_token(stack::ClientCredentialsAuth grant, const std::filesystem::path& stack_dir,
                                     const std::string& agent, const std::string& scope);

}  // namespace mcph::harness::scenario
