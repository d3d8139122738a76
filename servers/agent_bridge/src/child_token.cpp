#include "mcph/agent_bridge/child_token.h"

#include <nlohmann/json.hpp>

#include "mcph/agent_bridge/agent_policy.h"

namespace mcph::agent_bridge {

ChildTokenRequest child_token_request(const std::string& agent, const std::string& token_role, int ttl_seconds,
                                      int num_uses) {
  const nlohmann::json body = {{"policies", nlohmann::json::array({agent_policy_name(agent)})},
                               {"ttl", std::to_string(ttl_seconds) + "s"},
                               {"num_uses", num_uses},
                               {"no_parent", false},
                               {"no_default_policy", true},
                               {"display_name", "mcp-agent-" + agent}};
  return {token_role.empty() ? "auth/token/create" : "auth/token/create/" + token_role, body.dump()};
}

}  // namespace mcph::agent_bridge
