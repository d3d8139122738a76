#pragma once
// Where a server of the agent design keeps each agent's secrets in Vault's KV v2: a mount and a
// path template below it with `{agent}` (one whole segment) and `{key}` (the last, the secret's
// key, itself one or more segments): agent-bridge-mcp's is `secret`, `mcp/{agent}/{key}`;
// another bridge's may be `bridge/agents/{agent}/{key}`. The harness writes the agents' secrets
// and policies there, and reads Vault's audit log by it (whose prefix a KV path is under). Each
// agent's Vault policy, the one its child tokens carry, is named by `policy` (`mcp-agent-{agent}`).
// Stack file key "secrets" of an MCP service (docs/target-profiles.md).
#include <map>
#include <string>
#include <vector>

namespace mcph::harness::provision {

struct SecretLayout {
  std::string mount = "secret";
  std::string path = "mcp/{agent}/{key}";
  std::string policy = "mcp-agent-{agent}";
  // An agent (as the scenario files name it) → the server's own name for it, which is what
  // `{agent}` stands for in `path` and `policy`; an agent not here is its own name. Not a key of
  // "secrets": the entry's auth.agents gives it.
  std::map<std::string, std::string> names;

  std::string name_of(const std::string& agent) const;

  // "mcp-agent-agent-a": the agent's own Vault policy.
  std::string policy_of(const std::string& agent) const;
  // "mcp-agent-*": every agent's policy, as a token role's allowed_policies_glob.
  std::string policy_glob() const;

  // "bridge/agents/agent-a": the agent's folder below the mount.
  std::string agent_prefix(const std::string& agent) const;
  // The agent (as the scenario files name it) whose folder the audited Vault path (dot segments resolved, the mount first, then
  // data or metadata) lies in; "" when it lies in none. `kv`: whether it is a KV v2 data or
  // metadata path at all, of any mount (another mount's is in no agent's folder).
  std::string owner_of(const std::vector<std::string>& segments, bool& kv) const;
};

// The server's own name for `agent` in `names` (an agent, as the scenario files name it → the
// server's name for it), else `agent` itself.
std::string server_name_of(const std::map<std::string, std::string>& names, const std::string& agent);

// agent-bridge-mcp's: secret, mcp/{agent}/{key}.
SecretLayout agent_bridge_secret_layout();

// Why `path` is no layout template (empty when it is one): `{agent}` once as a whole segment,
// `/{key}` at the end and nowhere else, no empty segment.
std::string secret_layout_problem(const std::string& path);
// Why `policy` names no agent's Vault policy (empty when it does): `{agent}` once, otherwise the
// letters, digits, '-', '_' and '.' of a policy name.
std::string policy_template_problem(const std::string& policy);

// The Vault policy (HCL) that gives `agent` the rights of its scopes (read, write, list, delete)
// in its own folder and nowhere else; for agent-bridge-mcp's layout the bridge's own policy.
std::string agent_layout_policy_hcl(const SecretLayout& layout, const std::string& agent, const std::vector<std::string>& scopes);

}  // namespace mcph::harness::provision
