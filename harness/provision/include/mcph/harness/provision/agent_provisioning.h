#pragma once
// The agents of agent-bridge-mcp, as a stack provisions them through Vault's HTTP API (with the
// root token of ProvisionTarget) and its run directory:
//
// - per agent of fixtures/agents/agents.json: the policy mcp-agent-<agent> (its scopes' rights in
//   its own folder, agent_layout_policy_hcl) and its KV v2 secrets where the layout puts them
//   (agent-bridge-mcp's: <mount>/data/mcp/<agent>/<key>);
// - the token role mcp-agent (auth/token/roles/mcp-agent): children get only mcp-agent-*
//   policies, are not orphans, cannot be renewed and live at most 5 minutes;
// - the bridge's parent token: not root, its one right is auth/token/create/mcp-agent (policy
//   mcp-bridge-parent, a name outside the role's glob);
// - in <run_dir>/agents/ (0700, every file 0600): api-keys.json ({"agent-a": "<key>", …}),
//   jwt-hs256.key (the HS256 secret, one line), agents.txt (the bridge's --agents-file: each
//   key's SHA-256 and the scopes), clients.json (each agent's OAuth client of the bridge's
//   authorization server: {"agent-a": {"client_id": "agent-a", "client_secret": "<secret>"}, …}),
//   oauth-clients.txt (the bridge's --oauth-clients-file: each secret's SHA-256) and vault-token
//   (the parent token).
//
// Idempotent: a second run against the same Vault and run directory keeps the keys, the secret
// the client secrets and the parent token (while Vault still knows it) and changes nothing.
#include <filesystem>
#include <functional>
#include <string>
#include <vector>

#include "mcph/harness/provision/provision.h"
#include "mcph/harness/provision/secret_layout.h"

namespace mcph::harness::provision {

inline constexpr const char* kAgentTokenRole = "mcp-agent";
inline constexpr const char* kBridgeParentPolicy = "mcp-bridge-parent";

struct AgentProvisionOptions {
  std::filesystem::path fixtures_dir;  // empty: default_fixtures_dir()
  std::filesystem::path run_dir;       // required
  SecretLayout layout;  // where the agents' secrets go, and so what their policies grant
  std::function<void(const std::string&)> progress;
};

struct ProvisionedAgents {
  std::vector<std::string> agents;  // in the fixture's order
  std::filesystem::path api_keys_file;
  std::filesystem::path jwt_key_file;
  std::filesystem::path agents_file;
  std::filesystem::path clients_file;        // the harness's: the client secrets
  std::filesystem::path oauth_clients_file;  // the bridge's: their digests
  std::filesystem::path vault_token_file;
  std::string token_role = kAgentTokenRole;
  int changes = 0;  // Vault objects and files created or changed; 0 on a re-run
};

// Throws std::runtime_error naming the step and Vault's answer (never a key, token or secret).
ProvisionedAgents provision_agents(const ProvisionTarget& target, const AgentProvisionOptions& options);

// Only the agents' policies and secrets, where `layout` puts them: for a server of the design
// the harness did not start, which keeps its own keys and Vault token. Returns the number of
// Vault objects created or changed. Throws as provision_agents does.
int provision_agent_secrets(const ProvisionTarget& target, const std::filesystem::path& fixtures_dir, const SecretLayout& layout);

}  // namespace mcph::harness::provision
