#pragma once
// The identity side of the workload-identity design, brought up by a test itself so that its
// Keycloak can carry a switch: mock-spiffe (the trust domain mcp-identity.local with the agents of
// the trust-tier policy and unlisted-agent, as the shared stack's), a mock-keycloak started with
// the given switches and provisioned as `up` provisions one (the realm, the SPIFFE identity
// provider, a federated client per agent), and a workload-mcp that trusts that realm and asks the
// OPA at `opa_url`. The stack file naming them is in memory.
#include <memory>
#include <string>
#include <vector>

#include "mcph/harness/stack/stack_file.h"

namespace mcph::harness::scenario {

class WorkloadIdpStack {
 public:
  // Throws when a part does not start or Keycloak refuses the provisioning.
  WorkloadIdpStack(const std::vector<std::string>& keycloak_switches, const std::string& opa_url);
  ~WorkloadIdpStack();
  WorkloadIdpStack(const WorkloadIdpStack&) = delete;
  WorkloadIdpStack& operator=(const WorkloadIdpStack&) = delete;

  const stack::StackFile& stack() const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace mcph::harness::scenario
