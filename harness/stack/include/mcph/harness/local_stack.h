#pragma once
// Local mode: the whole stack on this machine without Docker. PostgreSQL (a real server),
// mock-keycloak, mock-vault, mock-jira, mock-github and the three MCP servers, each on a free
// loopback port, started in dependency order with a readiness check, provisioned through the
// public APIs, and stopped in reverse order (process groups, SIGTERM then SIGKILL).
#include <filesystem>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "mcph/harness/provision.h"
#include "mcph/harness/stack_file.h"
#include "mcph/postgres/server.h"
#include "mcph/proc/child_process.h"
#include "mcph/proc/temp_dir.h"

namespace mcph::harness {

struct LocalStackOptions {
  std::filesystem::path run_dir;        // empty: a temporary directory removed by down()
  std::filesystem::path fixtures_dir;   // empty: default_fixtures_dir()
  int generated_users = 0;
  int rate_limit = 0;                   // MCP servers' per-subject limit (0 = none)
  int rate_window_ms = 1000;
  std::chrono::milliseconds ready_timeout{15000};
  std::function<void(const std::string&)> progress;
};

class LocalStack {
 public:
  // Throws std::runtime_error (or proc::ProcessError) naming the service that failed and
  // quoting its last log lines; whatever had started is stopped again.
  static std::unique_ptr<LocalStack> up(LocalStackOptions options);
  ~LocalStack();

  const StackFile& stack() const { return stack_; }
  const std::filesystem::path& run_dir() const { return run_dir_; }
  const ProvisionResult& provisioned() const { return provisioned_; }
  const postgres::Server& postgres() const { return *postgres_; }
  void down();

 private:
  LocalStack() = default;
  std::string start(const std::string& name, std::vector<std::string> argv);
  void say(const std::string& line) const;

  LocalStackOptions options_;
  std::optional<proc::TempDir> temp_;
  std::filesystem::path run_dir_;
  std::optional<postgres::Server> postgres_;
  std::vector<proc::ChildProcess> services_;  // start order
  StackFile stack_;
  ProvisionResult provisioned_;
};

// Where the project's service binaries are: $MCPH_BIN_DIR/<name> when set, else the build tree.
std::string service_binary(const std::string& name);

}  // namespace mcph::harness
