#pragma once
// The one set of parameters a stack is brought up with, whoever brings it up: `mcp-harness up`,
// `run`'s own stack, the supervisor process, the tests and the benchmarks. The supervisor gets
// them as flags (to_flags), so the same flags mean the same thing everywhere.
#include <chrono>
#include <filesystem>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "mcph/harness/idp/identity_provider_kind.h"

namespace mcph::cli {
class Flags;
}

namespace mcph::harness::stack {

// The modes (docs/modes.md): named presets of the service table (service_table.h).
enum class StackMode {
  local,     // PostgreSQL native, Keycloak and Vault stand-ins, mock backends, reference servers
  real,      // the same with the real Keycloak and Vault (`scripts/bootstrap --real`)
  compose,   // docker/compose.yaml with the real images (needs a Docker engine)
  external,  // a hand-written stack file: nothing is started
};
const char* to_string(StackMode mode);
std::optional<StackMode> parse_stack_mode(std::string_view text);

// The MCP servers' per-subject limit: `requests` calls per `window` (0 requests = no limit).
struct RateLimit {
  int requests = 0;
  std::chrono::milliseconds window{1000};
  bool operator==(const RateLimit&) const = default;
  std::string to_string() const;  // "20/1000ms", "none"
  // to_string's text back (as a stack file records it); nullopt for anything else.
  static std::optional<RateLimit> parse(std::string_view text);
};

struct StackParams {
  StackMode mode = StackMode::local;
  // The stack's identity provider (docs/modes.md#the-identity-provider): Keycloak (its realm,
  // token exchange to Vault) or Amazon Cognito (a user pool; no token exchange).
  idp::IdentityProviderKind idp = idp::IdentityProviderKind::keycloak;
  std::filesystem::path run_dir;       // empty: a temporary directory, removed when the stack stops
  std::filesystem::path fixtures_dir;  // empty: default_fixtures_dir()
  int generated_users = 0;             // user0001… besides the fixture users
  RateLimit rate_limit;
  // The fault proxy between the MCP servers and the services (family 7). Off for latency work:
  // the servers then reach each service directly, and fault steps say the stack has none.
  bool fault_proxy = true;
  // How long each service may take to be ready; 0: its own default (seconds for the project's
  // binaries, minutes for a JVM).
  std::chrono::milliseconds ready_timeout{0};
  // Compose mode: the container engine's API socket (Docker's or `podman system service`'s);
  // empty: found (compose_engine.cpp).
  std::filesystem::path engine_socket;
  // The era of MCP every MCP server the stack starts serves (their --protocol) and its stack file
  // names (`protocol`, what `run` speaks): legacy, modern or dual; empty: the servers' own
  // (dual), the stack file naming none (`run` speaks the legacy era).
  std::string protocol;
  // The SPIFFE trust domain of the workload design (mock-spiffe's or SPIRE's, the realm's
  // identity provider, workload-mcp's): its agents are the trust-tier policy's, under this name.
  std::string trust_domain = "mcp-identity.local";
  // The SPIFFE ID of a workload agent the families name (its role: trusted-agent, …), where a
  // team's IDs have another shape than the policy's spiffe://<trust domain>/agent/<role>
  // (`--agent ROLE=SPIFFE_ID`, workload_agents.h). A role not named keeps the policy's path.
  std::map<std::string, std::string> agent_ids;
  // A team's Keycloak realm export (JSON) the stack's realm is made from, under the stack's realm
  // name: its settings, clients and identity providers kept, the harness adding what the families
  // need beside them. Empty: the fixtures' realm.
  std::filesystem::path realm_file;

  // The flags that reproduce these parameters (for `mcp-harness supervise`); run_dir excluded.
  std::vector<std::string> to_flags() const;
};

// The named profile of the scenario suites: what scenarios/*.yaml need from a stack (the
// generated users the suites that change shared state and family 10's load act as, and the
// rate limit the rate-limit family probes). `up`, `run`'s own stack, the ctest fixture and the
// benchmarks use it, so "130 users, 20 calls per 1000 ms" is written once.
StackParams scenario_suite_params();

// Declares --mode, --idp, --users, --rate-limit, --rate-window-ms, --ready-timeout-ms, --no-fault-proxy,
// --engine-socket, --protocol, --trust-domain, --agent, --realm-file and --fixtures with `defaults` as their defaults.
void declare_stack_flags(mcph::cli::Flags& flags, const StackParams& defaults);
// Reads them back; throws std::invalid_argument with a message for the user on a bad value.
StackParams stack_params_from(const mcph::cli::Flags& flags);

}  // namespace mcph::harness::stack
