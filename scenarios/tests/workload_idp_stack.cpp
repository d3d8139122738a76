#include "workload_idp_stack.h"

#include <nlohmann/json.hpp>

#include "mcph/harness/provision/keycloak_admin.h"
#include "mcph/harness/provision/workload_provisioning.h"
#include "mcph/proc/service.h"

namespace mcph::harness::scenario {
namespace {

constexpr const char* kTrustDomain = "mcp-identity.local";
constexpr const char* kAudience = "workload-mcp";
constexpr const char* kRealm = "mcp-demo";

std::string agents_file() { return std::string(MCPH_POLICIES_DIR) + "/trust_tiers/agents.json"; }

// The shared stack's agents: the policy's, and one it gives no tier (workload_services.cpp).
std::vector<std::string> agents() {
  std::vector<std::string> ids = provision::spiffe_ids_of_agents_file(agents_file());
  ids.emplace_back("spiffe://mcp-identity.local/agent/unlisted-agent");
  return ids;
}

proc::StartedService start(const std::string& name, std::vector<std::string> argv) {
  proc::SpawnOptions spawn;
  spawn.name = name;
  spawn.argv = std::move(argv);
  return proc::start_service(spawn);
}

}  // namespace

struct WorkloadIdpStack::Impl {
  std::unique_ptr<proc::StartedService> spiffe, keycloak, server;
  stack::StackFile stack;
};

WorkloadIdpStack::WorkloadIdpStack(const std::vector<std::string>& keycloak_switches, const std::string& opa_url)
    : impl_(std::make_unique<Impl>()) {
  Impl& s = *impl_;
  std::vector<std::string> spiffe = {MCPH_MOCK_SPIFFE, "--port", "0", "--trust-domain", kTrustDomain, "--no-access-log"};
  for (const std::string& agent : agents()) {
    spiffe.push_back("--workload");
    spiffe.push_back(agent);
  }
  s.spiffe = std::make_unique<proc::StartedService>(start("mock-spiffe", spiffe));

  std::vector<std::string> keycloak = {MCPH_MOCK_KEYCLOAK, "--port", "0", "--no-access-log"};
  keycloak.insert(keycloak.end(), keycloak_switches.begin(), keycloak_switches.end());
  s.keycloak = std::make_unique<proc::StartedService>(start("mock-keycloak", keycloak));
  provision::KeycloakAdmin(s.keycloak->url, "admin", "admin").create_realm({{"realm", kRealm}, {"enabled", true}});
  provision::ProvisionTarget target;
  target.keycloak_url = s.keycloak->url;
  target.realm = kRealm;
  provision::WorkloadIdentityOptions options;
  options.trust_domain = kTrustDomain;
  options.bundle_endpoint = s.spiffe->url + "/";
  options.spiffe_ids = agents();
  options.audience = kAudience;
  provision::provision_workload_identity(target, options);

  const std::string issuer = s.keycloak->url + "/realms/" + kRealm;
  s.server = std::make_unique<proc::StartedService>(
      start("workload-mcp", {MCPH_WORKLOAD_MCP, "--port", "0", "--issuer", issuer, "--audience", kAudience, "--trust-domain",
                             kTrustDomain, "--agents-file", agents_file(), "--opa-url", opa_url}));

  s.stack.mode = stack::StackMode::external;
  s.stack.realm = kRealm;
  s.stack.services["keycloak"].url = s.keycloak->url;
  s.stack.services["spiffe"].url = s.spiffe->url;
  stack::ServiceEntry& server = s.stack.services["workload-mcp"];
  server.url = s.server->url + "/mcp";
  server.mcp.transport = "streamable-http";
}

WorkloadIdpStack::~WorkloadIdpStack() = default;

const stack::StackFile& WorkloadIdpStack::stack() const { return impl_->stack; }

}  // namespace mcph::harness::scenario
