#pragma once
// What the tests of `mcp-harness run`, `replay` and `up` share: the command run as a user runs it,
// a stack `up` started for a test, and readers of what the run left behind.
#include <gtest/gtest.h>
#include <signal.h>

#include <chrono>
#include <filesystem>
#include <functional>
#include <set>
#include <string>
#include <vector>

#include "mcph/harness/scenario/scenario_loader.h"
#include "mcph/proc/child_process.h"
#include "mcph/proc/temp_dir.h"

namespace mcph::harness::cli_test {

namespace fs = std::filesystem;

// `mcp-harness ARGS…` in `working_dir`, a fresh directory: no .mcp-harness of someone's `up` is
// found there by accident.
proc::CommandResult harness(std::vector<std::string> args, const fs::path& working_dir,
                            std::chrono::milliseconds timeout = std::chrono::seconds(300));
std::string read_file(const fs::path& path);
// A directory PostgreSQL (the postgres user, when we are root) can pass through.
proc::TempDir work_dir();
scenario::ScenarioFile scenario_file(const std::string& stem);
// How the HTML report writes text (the five characters HTML escapes).
std::string html_escaped(const std::string& text);
// The first secret found in `text` (a user's password or backend credential, an OIDC client
// secret, Vault's root token, a JWT, a Vault token, a database password), or "" when there is none.
std::string leaked_secret(const std::string& text);
// `xmllint ARGUMENTS…`'s output without its final newline; a non-zero exit fails the test.
std::string xmllint(const std::vector<std::string>& arguments);
bool have_xmllint();

// A stack `mcp-harness up` runs in a temporary run dir, stopped by `mcp-harness down` (and,
// should that fail, through its stack file) when the test ends.
struct UpStack {
  proc::TempDir dir = work_dir();
  fs::path run_dir = dir.path() / "run";
  fs::path stack_file = run_dir / "stack.json";
  proc::CommandResult up;

  explicit UpStack(std::vector<std::string> flags = {});
  ~UpStack();
};

// What the stack's MCP servers logged about failures (a tool's or a login's), for a failing
// test's message: the run dir is gone once the test ends.
std::string server_failures(const fs::path& run_dir);
// The lines of `output` that start with `prefix`.
std::vector<std::string> lines_starting_with(const std::string& output, const std::string& prefix);

// Restores the default action of SIGINT for the children spawned while it lives: a process
// started from a non-interactive shell's background job inherits SIGINT ignored, and exec keeps
// that, which would make a Ctrl-C a no-op.
class DefaultSigint {
 public:
  DefaultSigint();
  ~DefaultSigint();
  DefaultSigint(const DefaultSigint&) = delete;
  DefaultSigint& operator=(const DefaultSigint&) = delete;

 private:
  struct sigaction saved_ {};
};

bool wait_until(const std::function<bool()>& condition, std::chrono::milliseconds timeout);

}  // namespace mcph::harness::cli_test
