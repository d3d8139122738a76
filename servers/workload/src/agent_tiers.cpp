#include "mcph/workload/agent_tiers.h"

#include <fstream>
#include <sstream>
#include <stdexcept>

#include <nlohmann/json.hpp>

namespace mcph::workload {

AgentTiers AgentTiers::load(const std::string& path) {
  std::ifstream in(path);
  if (!in) throw std::runtime_error("cannot read the agents file " + path);
  std::stringstream text;
  text << in.rdbuf();
  return parse(text.str(), path);
}

AgentTiers AgentTiers::parse(const std::string& json_text, const std::string& origin) {
  const nlohmann::json doc = nlohmann::json::parse(json_text, nullptr, false);
  if (!doc.is_object()) throw std::runtime_error(origin + ": not a JSON object");
  const nlohmann::json* agents = &doc;
  if (doc.contains("mcp")) {
    if (!doc["mcp"].is_object() || !doc["mcp"].contains("agents") || !doc["mcp"]["agents"].is_object()) {
      throw std::runtime_error(origin + ": mcp.agents must be an object of SPIFFE ID to tier");
    }
    agents = &doc["mcp"]["agents"];
  }
  AgentTiers tiers;
  for (const auto& [spiffe_id, tier] : agents->items()) {
    if (spiffe_id.rfind("spiffe://", 0) != 0) throw std::runtime_error(origin + ": " + spiffe_id + " is not a SPIFFE ID");
    if (!tier.is_string() || tier.get<std::string>().empty()) {
      throw std::runtime_error(origin + ": the tier of " + spiffe_id + " must be a non-empty string");
    }
    tiers.tiers_[spiffe_id] = tier.get<std::string>();
  }
  if (tiers.tiers_.empty()) throw std::runtime_error(origin + ": no agents");
  return tiers;
}

std::optional<std::string> AgentTiers::tier_of(const std::string& spiffe_id) const {
  const auto found = tiers_.find(spiffe_id);
  if (found == tiers_.end()) return std::nullopt;
  return found->second;
}

}  // namespace mcph::workload
