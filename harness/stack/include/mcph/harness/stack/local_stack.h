#pragma once
// A stack whose services run as processes on this machine (modes `local` and `real`; `compose`
// drives containers through the same table): the rows of the service table (service_table.h)
// started in order with their readiness checks, provisioned through the public APIs between the
// services that are provisioned and the MCP servers that need them, and stopped in reverse
// order (process groups, SIGTERM then SIGKILL).
#include <filesystem>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "mcph/harness/provision/provision.h"
#include "mcph/harness/stack/stack_file.h"
#include "mcph/harness/stack/stack_params.h"
#include "mcph/proc/temp_dir.h"

namespace mcph::harness::stack {

struct RunningService;
struct StackContext;

class LocalStack {
 public:
  using Progress = std::function<void(const std::string&)>;

  // Throws std::runtime_error (or proc::ProcessError, RealTierMissing) naming the service that
  // failed and quoting its last log lines; whatever had started is stopped again.
  static std::unique_ptr<LocalStack> up(StackParams params, Progress progress = {});
  ~LocalStack();
  LocalStack(const LocalStack&) = delete;
  LocalStack& operator=(const LocalStack&) = delete;

  const StackFile& stack() const { return stack_; }
  const std::filesystem::path& run_dir() const { return run_dir_; }
  const provision::ProvisionResult& provisioned() const { return provisioned_; }
  // libpq keyword/value connection string of the stack's PostgreSQL, as its superuser.
  std::string postgres_conninfo() const;
  void down();

 private:
  LocalStack() = default;
  void start_all(StackContext& context);
  provision::ProvisionTarget provision_target() const;
  void provision_mcp_servers();
  void say(const std::string& line) const;

  StackParams params_;
  Progress progress_;
  std::optional<proc::TempDir> temp_;
  std::filesystem::path run_dir_;
  std::vector<std::unique_ptr<RunningService>> running_;  // start order
  std::string postgres_conninfo_;
  StackFile stack_;
  provision::ProvisionResult provisioned_;
};

// What the provisioner needs of a stack, from its stack file: Vault (with its root token,
// "token"; empty when the file has none), PostgreSQL as Vault reaches it, and Keycloak's admin
// when the stack has a Keycloak. Throws std::runtime_error when the file has no vault.
provision::ProvisionTarget provision_target(const StackFile& stack);

// Where the project's binaries are: $MCPH_BIN_DIR/<name> when set, else the build tree.
std::string service_binary(const std::string& name);

}  // namespace mcph::harness::stack
