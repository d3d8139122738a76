#pragma once
// The workload-identity design in Keycloak (docs/workload-identity.md): an identity provider of
// type spiffe for the trust domain, whose bundle endpoint is the stack's mock-spiffe, and a
// federated client per agent, named by its SPIFFE ID (so that a token's azp is the identity
// Keycloak checked against the SVID's sub), authenticating with its JWT-SVIDs
// (clientAuthenticatorType federated-jwt) and getting tokens whose audience is the server's.
#include <map>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "mcph/harness/provision/provision.h"

namespace mcph::harness::provision {

// The trust domain the families forge foreign identities in; never the stack's own.
inline constexpr const char* kForeignTrustDomain = "attacker.example";

struct WorkloadIdentityOptions {
  std::string provider_alias = "spiffe";
  std::string trust_domain = "mcp-identity.local";
  std::string bundle_endpoint;          // e.g. http://127.0.0.1:41012/
  std::vector<std::string> spiffe_ids;  // the agents, each a client of that name
  // Clients named by another trust domain's SPIFFE ID under this provider, as an administrator
  // may register one by mistake: the provider's trust-domain check alone refuses their SVIDs
  // (the workload-identity family's foreign-trust-domain case).
  std::vector<std::string> foreign_spiffe_ids = {std::string("spiffe://") + kForeignTrustDomain + "/agent/trusted-agent"};
  std::string audience = "workload-mcp";
};

// Idempotent: an agent the realm has a federated client for (its jwt.credential.sub), whatever
// the client is named, is kept, and so is a SPIFFE provider the realm has for the trust domain
// (a team's realm: only its bundle endpoint becomes the stack's). Throws std::runtime_error
// naming the trust domain to start with when the realm's provider trusts another, and quoting
// Keycloak's answer (a Keycloak started without the preview features spiffe and
// client-auth-federated refuses the provider: "Invalid identity provider id [spiffe]").
void provision_workload_identity(const ProvisionTarget& target, const WorkloadIdentityOptions& options);

// The SPIFFE ID a client of the realm (its admin representation) authenticates with JWT-SVIDs: a
// federated client's jwt.credential.sub; empty for any other client.
std::string federated_subject(const nlohmann::json& client);

// The SPIFFE ID → tier of an agents file of the trust-tier policy's shape
// ({"mcp": {"agents": {…}}}), and its SPIFFE IDs alone. Throw std::runtime_error naming the file.
std::map<std::string, std::string> tiers_of_agents_file(const std::string& path);
std::vector<std::string> spiffe_ids_of_agents_file(const std::string& path);

}  // namespace mcph::harness::provision
