#include "mcph/agent_bridge/agent_policy.h"

#include "mcph/agent_bridge/scopes.h"

namespace mcph::agent_bridge {

std::string agent_policy_name(const std::string& agent) { return "mcp-agent-" + agent; }

std::string agent_policy_hcl(const std::string& mount, const std::string& agent, const std::vector<std::string>& scopes) {
  std::vector<std::string> data;
  if (has_scope(scopes, "read")) data.push_back("\"read\"");
  if (has_scope(scopes, "write")) {
    data.push_back("\"create\"");
    data.push_back("\"update\"");
  }
  if (has_scope(scopes, "delete")) data.push_back("\"delete\"");
  std::string capabilities;
  for (const auto& c : data) capabilities += (capabilities.empty() ? "" : ", ") + c;
  std::string hcl = "path \"" + mount + "/data/mcp/" + agent + "/*\" { capabilities = [" + capabilities + "] }\n";
  if (has_scope(scopes, "list")) {
    hcl += "path \"" + mount + "/metadata/mcp/" + agent + "/*\" { capabilities = [\"list\"] }\n";
    hcl += "path \"" + mount + "/metadata/mcp/" + agent + "\" { capabilities = [\"list\"] }\n";
  }
  return hcl;
}

}  // namespace mcph::agent_bridge
