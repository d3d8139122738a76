// The workload-identity design's rows of the service table (docs/workload-identity.md):
// mock-spiffe, the stack's trust domain (mcp-identity.local unless `up --trust-domain` names
// another) with the agents of the trust-tier policy and one agent it gives no tier, under the IDs
// the stack gives them (workload_agents.h); and workload-mcp, once Keycloak knows the
// trust domain (an identity provider of type spiffe whose bundle endpoint is mock-spiffe) and a
// federated client per agent. OPA is a row of its own (native_services.cpp), reached by
// workload-mcp through the fault proxy, so that scenarios can break it. mock-spiffe serves the
// SPIFFE Workload API on a socket in the run directory, for agents' SPIFFE libraries.
#include <sys/un.h>

#include <filesystem>
#include <map>
#include <nlohmann/json.hpp>

#include "mcph/harness/fixtures/data_layout.h"
#include "mcph/harness/fixtures/text_file.h"
#include "mcph/harness/provision/workload_provisioning.h"
#include "mcph/harness/stack/local_stack.h"
#include "service_starters.h"
#include "mcph/harness/stack/workload_agents.h"

namespace mcph::harness::stack {
namespace {

namespace fs = std::filesystem;

constexpr const char* kAudience = "workload-mcp";
// Live DPoP proofs workload-mcp remembers per agent: below the flood of 250 proofs in
// scenarios/dpop.yaml, so that a cache every agent shares would be filled by it, and far above what
// one agent's calls in the families hold live at once.
constexpr const char* kReplayCapacityPerAgent = "200";
// How long workload-mcp reuses a decision of the policy for the same input: a warm call then
// asks OPA about once in this time, and the trust-tier family, which lets a kept decision be
// used for up to a second after it was asked, still sees every call denied once OPA is down.
constexpr const char* kPolicyKeepMs = "500";

fs::path policy_source() { return fixtures::data_dir(fixtures::DataDir::policies) / "trust_tiers"; }

// The trust-tier policy's agents (SPIFFE ID → tier) with the IDs the stack gives them.
std::map<std::string, std::string> agent_tiers(const StackContext& context) {
  std::map<std::string, std::string> given;
  for (const WorkloadAgent& agent : workload_agents_of(context.params)) {
    if (!agent.tier.empty()) given[agent.spiffe_id] = agent.tier;
  }
  return given;
}

}  // namespace

fs::path trust_tier_policy(const StackContext& context) {
  const fs::path served = context.run_dir / "trust_tiers";
  // Written by each row that serves it: a run directory used again may hold another trust domain's.
  fixtures::create_private_directory(served);
  fs::copy_file(policy_source() / "policy.rego", served / "policy.rego", fs::copy_options::overwrite_existing);
  fixtures::write_private_file(served / "agents.json", nlohmann::json{{"mcp", {{"agents", agent_tiers(context)}}}}.dump(2) + "\n");
  return served;
}

std::vector<std::string> workload_agents(const StackContext& context) {
  std::vector<std::string> agents;
  for (const WorkloadAgent& agent : workload_agents_of(context.params)) agents.push_back(agent.spiffe_id);
  return agents;
}

std::map<std::string, std::string> workload_agent_ids(const StackContext& context) {
  std::map<std::string, std::string> ids;
  for (const WorkloadAgent& agent : workload_agents_of(context.params)) ids[agent.role] = agent.spiffe_id;
  return ids;
}

RunningService start_mock_spiffe(StackContext& context) {
  std::vector<std::string> argv = {service_binary("mock-spiffe"), "--port", "0", "--trust-domain", context.params.trust_domain};
  for (const std::string& agent : workload_agents(context)) {
    argv.push_back("--workload");
    argv.push_back(agent);
  }
  // In the run directory, which only the stack's owner may enter: every caller of the socket is
  // entitled to every agent's SVIDs.
  const std::string socket = std::filesystem::absolute(context.run_dir / "spiffe-workload-api.sock").string();
  const bool fits = socket.size() < sizeof(sockaddr_un::sun_path);
  if (fits) {
    argv.insert(argv.end(), {"--workload-api-socket", socket});
  } else {
    context.say("spiffe: no Workload API: " + socket + " is longer than a Unix socket's path may be (" +
                std::to_string(sizeof(sockaddr_un::sun_path) - 1) + " bytes); use a shorter run directory");
  }
  RunningService running = start_project_binary(context, "spiffe", std::move(argv));
  if (fits) running.entry.workload_api = "unix://" + socket;
  running.entry.agent_ids = workload_agent_ids(context);
  return running;
}

RunningService start_workload_mcp(StackContext& context) {
  const auto skipped_without = [&](const std::string& needed) {
    const auto left_out = context.stack.services_left_out.find(needed);
    return ServiceSkipped("this stack has no " + needed +
                          (left_out == context.stack.services_left_out.end() ? "" : " (" + left_out->second + ")"));
  };
  if (!context.stack.services.count("spiffe")) throw skipped_without("spiffe");
  // The agents' clients first: the workload_identity family's SVID logins need them, OPA or not.
  context.say("provisioning: the SPIFFE identity provider and the agents' federated clients in Keycloak");
  provision::WorkloadIdentityOptions options;
  options.trust_domain = context.params.trust_domain;
  options.bundle_endpoint = context.stack.service("spiffe").url + "/";
  options.spiffe_ids = workload_agents(context);
  options.audience = kAudience;
  provision::provision_workload_identity(provision_target(context.stack), options);
  if (!context.stack.services.count("opa")) throw skipped_without("opa");

  const std::string realm_path = "/realms/" + context.stack.realm;
  std::vector<std::string> argv = {service_binary("workload-mcp"),
                                   "--port", "0",
                                   "--issuer", context.stack.service("keycloak").url + realm_path,
                                   "--jwks-url", url_for_servers(context, "keycloak") + realm_path + "/protocol/openid-connect/certs",
                                   "--audience", kAudience,
                                   "--trust-domain", context.params.trust_domain,
                                   "--agents-file", (trust_tier_policy(context) / "agents.json").string(),
                                   "--opa-url", url_for_servers(context, "opa"),
                                   "--policy-keep-ms", kPolicyKeepMs,
                                   "--dpop-replay-capacity", kReplayCapacityPerAgent,
                                   "--rate-limit", std::to_string(context.params.rate_limit.requests),
                                   "--rate-window-ms", std::to_string(context.params.rate_limit.window.count())};
  RunningService running = start_mcp_binary(context, "workload-mcp", std::move(argv));
  running.entry.mcp.rate_limit = context.params.rate_limit;
  for (const std::string service : {"keycloak", "opa"}) {
    if (context.fault_proxied.count(service)) running.entry.mcp.behind_fault_proxy.push_back(service);
  }
  return running;
}

}  // namespace mcph::harness::stack
