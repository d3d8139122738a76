#include "mcph/harness/stack/workload_agents.h"

#include <algorithm>
#include <filesystem>

#include "mcph/harness/fixtures/data_layout.h"
#include "mcph/harness/provision/workload_provisioning.h"
#include "mcph/spiffe/spiffe_id.h"
#include "mcph/text/join.h"

namespace mcph::harness::stack {
namespace {

// Registered in the trust domain and a client in Keycloak, but given no tier by the policy's
// mapping: a workload the server must refuse whoever vouches for it.
constexpr const char* kUnlistedAgent = "unlisted-agent";

// The policy's agents (its SPIFFE ID → tier), as the project's policy writes them.
std::map<std::string, std::string> policy_agents() {
  const std::filesystem::path file = fixtures::data_dir(fixtures::DataDir::policies) / "trust_tiers" / "agents.json";
  return provision::tiers_of_agents_file(file.string());
}

std::string role_of(const std::string& id) { return id.substr(id.rfind('/') + 1); }

}  // namespace

std::vector<std::string> workload_agent_roles() {
  std::vector<std::string> roles;
  for (const auto& [id, tier] : policy_agents()) roles.push_back(role_of(id));
  roles.emplace_back(kUnlistedAgent);
  return roles;
}

std::vector<WorkloadAgent> workload_agents_of(const StackParams& params) {
  const auto given = [&](const std::string& role, const std::string& policy_id) {
    const auto named = params.agent_ids.find(role);
    return named != params.agent_ids.end() ? named->second : spiffe::in_trust_domain(policy_id, params.trust_domain);
  };
  std::vector<WorkloadAgent> agents;
  for (const auto& [id, tier] : policy_agents()) agents.push_back({role_of(id), given(role_of(id), id), tier});
  agents.push_back({kUnlistedAgent, given(kUnlistedAgent, spiffe::agent_id(params.trust_domain, kUnlistedAgent)), ""});
  return agents;
}

std::optional<std::string> why_not_agent_ids(const StackParams& params) {
  const std::vector<std::string> roles = workload_agent_roles();
  for (const auto& [role, id] : params.agent_ids) {
    if (std::find(roles.begin(), roles.end(), role) == roles.end()) {
      return "--agent " + role + "=…: the families have no agent " + role + " (" + text::join(roles) + ")";
    }
    if (const auto why = spiffe::why_not_member_id(id, params.trust_domain)) {
      return "--agent " + role + "=" + id + ": " + *why + " (the stack's, --trust-domain)";
    }
  }
  std::map<std::string, std::string> role_with;
  for (const WorkloadAgent& agent : workload_agents_of(params)) {
    if (const auto [other, fresh] = role_with.emplace(agent.spiffe_id, agent.role); !fresh) {
      return "--agent: " + other->second + " and " + agent.role + " would both be " + agent.spiffe_id +
             ", and a server could not tell them apart";
    }
  }
  return std::nullopt;
}

}  // namespace mcph::harness::stack
