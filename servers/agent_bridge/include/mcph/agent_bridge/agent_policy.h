#pragma once
// The Vault policy of one agent: its KV v2 prefix <mount>/data/mcp/<agent>/* with the
// capabilities its scopes imply, and <mount>/metadata/mcp/<agent>/* for list.
#include <string>
#include <vector>

namespace mcph::agent_bridge {

std::string agent_policy_name(const std::string& agent);
std::string agent_policy_hcl(const std::string& mount, const std::string& agent, const std::vector<std::string>& scopes);

}  // namespace mcph::agent_bridge
