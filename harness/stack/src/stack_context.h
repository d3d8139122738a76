#pragma once
// What the service table's start functions share while a stack comes up (private to the stack).
#include <chrono>
#include <filesystem>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <stdexcept>
#include <string>

#include "mcph/harness/stack/real_tier.h"
#include "mcph/harness/stack/service_table.h"
#include "mcph/harness/stack/stack_file.h"
#include "mcph/harness/stack/stack_params.h"

namespace mcph::postgres {
class Server;
}

namespace mcph::harness::stack {

struct StackContext {
  const StackParams& params;
  std::filesystem::path run_dir;
  std::filesystem::path fixtures_dir;
  StackFile& stack;  // the entries of the services started so far
  std::function<void(const std::string&)> say;

  std::filesystem::path secrets_file;      // the backends' credentials (fixture + generated users)
  std::shared_ptr<postgres::Server> postgres;  // set by the postgres row
  std::optional<RealTier> real_tier;       // found on first use by a native row
  // Set by the fault proxy's row: service → host:port of its named proxy (what the MCP servers
  // are given instead of the service's own address: url_for_servers in service_starters.h).
  std::map<std::string, std::string> fault_proxied;

  std::filesystem::path log_path(const std::string& service) const { return run_dir / (service + ".log"); }
  std::filesystem::path audit_log() const { return run_dir / "vault-audit.log"; }
  // The parameters' ready timeout, or the service's own default when they give none.
  std::chrono::milliseconds ready_timeout(std::chrono::milliseconds own_default) const {
    return params.ready_timeout.count() > 0 ? params.ready_timeout : own_default;
  }
  const RealTier& real();  // throws RealTierMissing
  std::string compose_project() const;  // compose mode: the project of this stack's containers
};

// An optional row that cannot run on this machine (nginx not installed): the stack runs
// without it and says why.
class ServiceSkipped : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

struct RunningService {
  std::string name;              // its row's name
  ServiceEntry entry;            // url, pid, log and the service's own keys
  std::function<void()> stop;    // stops it and what it started (idempotent)
  std::chrono::milliseconds took{0};
};

}  // namespace mcph::harness::stack
