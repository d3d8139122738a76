#pragma once
// The workload design's agents as a stack gives them out: the trust-tier policy's agents
// (policies/trust_tiers/agents.json), each known by its role — the last segment of its SPIFFE ID
// there: trusted-agent, semi-trusted-agent, untrusted-agent — and one agent the policy gives no
// tier (unlisted-agent). Each gets the policy's path in the stack's trust domain, unless
// `up --agent ROLE=SPIFFE_ID` names another ID for it (a team's own shape,
// spiffe://acme/ns/billing/sa/reporter): the scenario files name roles, never IDs.
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "mcph/harness/stack/stack_params.h"

namespace mcph::harness::stack {

struct WorkloadAgent {
  std::string role;
  std::string spiffe_id;
  std::string tier;  // the policy's; empty for the agent it gives no tier
};

// The roles `--agent` may name, the policy's first.
std::vector<std::string> workload_agent_roles();
// Every role with the SPIFFE ID `params` gives it.
std::vector<WorkloadAgent> workload_agents_of(const StackParams& params);
// Why `params.agent_ids` cannot be given out (a role no agent has, an ID outside the trust
// domain or not a SPIFFE ID, two roles with one ID), or nullopt. The text names the flag.
std::optional<std::string> why_not_agent_ids(const StackParams& params);

}  // namespace mcph::harness::stack
