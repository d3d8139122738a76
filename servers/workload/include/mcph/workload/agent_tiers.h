#pragma once
// The server's own mapping of agents (SPIFFE IDs) to trust tiers: the policy bundle's data file
// (policies/trust_tiers/agents.json, {"mcp": {"agents": {"<spiffe id>": "<tier>"}}}) or a flat
// {"<spiffe id>": "<tier>"}. An agent not in it is refused before any policy is asked.
#include <map>
#include <optional>
#include <string>

namespace mcph::workload {

class AgentTiers {
 public:
  AgentTiers() = default;
  // Throws std::runtime_error naming the file and what is wrong with it.
  static AgentTiers load(const std::string& path);
  static AgentTiers parse(const std::string& json_text, const std::string& origin);

  std::optional<std::string> tier_of(const std::string& spiffe_id) const;
  std::size_t size() const { return tiers_.size(); }

 private:
  std::map<std::string, std::string> tiers_;
};

}  // namespace mcph::workload
