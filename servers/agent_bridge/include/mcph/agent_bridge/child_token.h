#pragma once
// The token each KV call of the bridge uses: a child of the bridge's parent token, created for
// the call, with the agent's policy alone, for a short TTL and a few uses.
#include <string>

namespace mcph::agent_bridge {

inline constexpr int kDefaultChildTtlSeconds = 60;
inline constexpr int kDefaultChildUses = 2;

struct ChildTokenRequest {
  std::string path;  // below /v1/: auth/token/create, or auth/token/create/<role>
  std::string body;  // JSON
};

// token_role: the role the child is created against (a parent token that is not root may then
// give it policies it does not hold); empty: none.
ChildTokenRequest child_token_request(const std::string& agent, const std::string& token_role, int ttl_seconds,
                                      int num_uses);

}  // namespace mcph::agent_bridge
