#pragma once
// The stack as a table of services (docs/design.md): one row per service, in bring-up order, each
// with the implementations it has — `standin` (a binary of this repository: a mock or a
// reference MCP server), `native` (the real server started as a process), `container` (its
// image under Docker Compose) or `external` (a URL in a stack file; nothing started). A mode is
// a preset that picks one implementation per row. Bring-up and stop order, log names, `status`
// and health checks all read this table: a new service or implementation is one row here.
#include <chrono>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "mcph/harness/stack/stack_params.h"

namespace mcph::harness::stack {

enum class Implementation { standin, native, container, external };
const char* to_string(Implementation implementation);

// How to tell that a service answers, from its stack-file entry alone (so `status` can check a
// stack another process started, or an external one).
struct HealthCheck {
  enum class Kind { tcp, http_get } kind = Kind::tcp;
  std::string path;         // http_get: appended to the service URL ("{realm}" is replaced)
  bool on_origin = false;   // http_get: on the URL's origin (an MCP server's /health)
};

// Whether a service starts before the provisioner runs (it provisions Keycloak, Vault and the
// database) or after (the MCP servers, which need a provisioned realm and Vault).
enum class Stage { before_provisioning, after_provisioning };

struct StackContext;    // what a start function sees (the stack so far, the parameters)
struct RunningService;  // what it returns (the stack-file entry and how to stop it)
using StartFunction = std::function<RunningService(StackContext&)>;

struct ServiceImplementation {
  Implementation kind;
  std::string what;  // for progress lines and --help: "mock-keycloak", "Keycloak (kc.sh start-dev)"
  StartFunction start;
};

struct ServiceRow {
  std::string name;  // its key in the stack file, its log file <name>.log
  Stage stage;
  HealthCheck health;
  std::vector<ServiceImplementation> implementations;
  // The MCP servers reach this service through the stack's fault proxy (a named proxy of the
  // row's name), when the stack has one; the harness itself reaches it directly.
  bool behind_fault_proxy = false;
  // A mode with no implementation of this row runs without it (the fault proxy in compose
  // mode), instead of refusing to start.
  bool optional = false;
  // A mock backend (mocks/common): it keeps a ledger at GET /_ledger and has an HTTP fault hook
  // at /_fault (a 5xx answer on demand), the targets of a scenario's `http_error` faults.
  bool mock_backend = false;

  // Started after provisioning without being an MCP server: the TLS proxy in front of one.
  bool fronts_mcp_server = false;
  // An MCP server whose callers are agents with credentials of their own (agent-bridge-mcp), not
  // the identity provider's users: it gets no client scope there and no say in Vault's login role.
  bool agents_only = false;

  // An identity provider's row: started only in a stack whose provider brings it up
  // (IdentityProvider::brings_up); every other row is every stack's.
  bool identity_provider_row = false;

  // The MCP servers are the rows started after provisioning (they need a provisioned realm and
  // Vault); their stack-file entries carry a target profile (target_profile.h).
  bool mcp_server() const { return stage == Stage::after_provisioning && !fronts_mcp_server; }
  // The MCP servers the identity provider's users call.
  bool users_mcp_server() const { return mcp_server() && !agents_only; }

  // This row's implementation in `mode`; nullptr when it has none there.
  const ServiceImplementation* implementation_in(StackMode mode) const;
};

// Every service, in bring-up order (stopped in reverse).
const std::vector<ServiceRow>& service_table();
// The row of a service name; nullptr for a name the table does not know.
const ServiceRow* find_service_row(std::string_view name);
// The rows behind the fault proxy: the names of its proxies, the targets of a scenario's faults.
std::vector<std::string> fault_proxy_targets();
// The rows that are mock backends: the targets of a scenario's http_error faults.
std::vector<std::string> mock_backend_services();
// The identity provider rows' names (their keys in the stack file).
inline constexpr std::string_view kKeycloakService = "keycloak";
inline constexpr std::string_view kCognitoService = "cognito";
// The fault proxy's own row, its key in the stack file (its url is the proxy's HTTP API).
inline constexpr std::string_view kFaultProxyService = "fault-proxy";
// The agents' bridge and the TLS-terminating proxy in front of it.
inline constexpr std::string_view kAgentBridgeService = "agent-bridge-mcp";
inline constexpr std::string_view kTlsProxyService = "tls-proxy";
// The workload-identity design's server (DPoP, SPIFFE, OPA).
inline constexpr std::string_view kWorkloadService = "workload-mcp";

// The files a stack writes into its run directory besides each service's <name>.log: what a
// new supervisor clears from a run directory an old stack left behind.
std::vector<std::string> stack_run_dir_entries();

}  // namespace mcph::harness::stack
