#include "mcph/agent_bridge/agent_policy.h"

#include "mcph/agent_bridge/scopes.h"

namespace mcph::agent_bridge {

std::string agent_policy_name(const std::string& agent) { return "mcp-agent-" + agent; }

std::string agent_policy_hcl(const std::string& mount, const std::string& agent, const std::vector<std::string>& scopes) {
  return folder_policy_hcl(mount, "mcp/" + agent, scopes);
}

std::string folder_policy_hcl(const std::string& mount, const std::string& folder, const std::vector<std::string>& scopes) {
  std::vector<std::string> data;
  if (has_scope(scopes, "read")) data.push_back("\"read\"");
  if (has_scope(scopes, "write")) {
    data.push_back("\"create\"");
    data.push_back("\"update\"");
  }
  if (has_scope(scopes, "delete")) data.push_back("\"delete\"");
  std::string capabilities;
  for (const auto& c : data) capabilities += (capabilities.empty() ? "" : ", ") + c;
  std::string hcl = "path \"" + mount + "/data/" + folder + "/*\" { capabilities = [" + capabilities + "] }\n";
  // Below the metadata: list, and with delete the removal of a secret with every version (KV
  // v2's DELETE of its metadata), as a server of the design may delete where this one
  // soft-deletes the latest version: the same scope, the agent's own prefix.
  std::string metadata;
  if (has_scope(scopes, "list")) metadata = "\"list\"";
  if (has_scope(scopes, "delete")) metadata += std::string(metadata.empty() ? "" : ", ") + "\"delete\"";
  if (!metadata.empty()) hcl += "path \"" + mount + "/metadata/" + folder + "/*\" { capabilities = [" + metadata + "] }\n";
  if (has_scope(scopes, "list")) hcl += "path \"" + mount + "/metadata/" + folder + "\" { capabilities = [\"list\"] }\n";
  return hcl;
}

}  // namespace mcph::agent_bridge
