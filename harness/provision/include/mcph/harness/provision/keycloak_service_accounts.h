#pragma once
// The agents of fixtures/agents/agents.json as service-account clients of the stack's Keycloak
// realm, so that Keycloak itself is an authorization server for agents (the client credentials
// grant) that the authorization-server family can test:
//
// - a client scope per agent scope (`read`, `write`, `list`, `delete`), in the token's scope;
// - per agent a confidential client of the agent's name with service accounts on and every
//   other flow off, whose default client scope is `basic` alone (sub, no profile or email) and
//   whose optional client scopes are the agent's scopes, so that a token carries a scope only when
//   asked for and never one the agent does not have; an audience mapper puts `audience` in aud;
// - in <run_dir>/agents/keycloak-clients.json (0600): {"agent-a": {"client_id": "agent-a",
//   "client_secret": "<secret>"}, …}, the clients file of a target profile's
//   `auth.client_credentials` whose token_url is the realm's.
//
// Idempotent: an existing client keeps its secret and settings, an existing scope is kept.
#include <filesystem>
#include <functional>
#include <string>

#include "mcph/harness/provision/provision.h"

namespace mcph::harness::provision {

struct ServiceAccountOptions {
  std::filesystem::path fixtures_dir;  // empty: default_fixtures_dir()
  std::filesystem::path run_dir;       // required
  std::string audience;                // required: the resource server the tokens are for
  std::function<void(const std::string&)> progress;
};

struct ProvisionedServiceAccounts {
  std::filesystem::path clients_file;
  int changes = 0;  // scopes and clients created; 0 on a re-run
};

// Throws std::runtime_error quoting Keycloak's answer (never a secret).
ProvisionedServiceAccounts provision_service_accounts(const ProvisionTarget& target, const ServiceAccountOptions& options);

}  // namespace mcph::harness::provision
