#pragma once
// The Vault policy of one agent: its KV v2 folder <mount>/data/<folder>/* with the capabilities its
// scopes imply, and <mount>/metadata/<folder>/* for list (and delete with every version). The
// bridge's folder is mcp/<agent>; the harness gives a server of another layout its own folder.
#include <string>
#include <vector>

namespace mcph::agent_bridge {

std::string agent_policy_name(const std::string& agent);
std::string agent_policy_hcl(const std::string& mount, const std::string& agent, const std::vector<std::string>& scopes);
std::string folder_policy_hcl(const std::string& mount, const std::string& folder, const std::vector<std::string>& scopes);

}  // namespace mcph::agent_bridge
