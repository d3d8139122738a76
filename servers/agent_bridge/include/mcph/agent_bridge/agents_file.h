#pragma once
// The agents file: one agent a line, `agent-id key-sha256-hex scope…` ('-' for an agent without
// an API key, e.g. one known by its client certificate); '#' starts a comment line.
#include <optional>
#include <string>
#include <vector>

namespace mcph::agent_bridge {

struct AgentEntry {
  std::string id;
  std::string key_sha256;  // lower-case hex, empty for '-'
  std::vector<std::string> scopes;
};

class AgentsFile {
 public:
  AgentsFile() = default;
  // Throws std::runtime_error naming the line (never its key) for a malformed line.
  static AgentsFile parse(const std::string& text);
  static AgentsFile load(const std::string& path);

  // The agent whose key hashes to the stored digest; every entry is compared, in constant time.
  std::optional<AgentEntry> by_api_key(const std::string& key) const;
  std::optional<AgentEntry> by_id(const std::string& id) const;
  const std::vector<AgentEntry>& entries() const { return agents_; }

 private:
  std::vector<AgentEntry> agents_;
};

// Lower-case hex SHA-256 of `text`.
std::string sha256_hex(const std::string& text);

// Agent ids are used in Vault paths and policy names: [A-Za-z0-9_-], 1 to 64 characters.
bool valid_agent_id(const std::string& id);

}  // namespace mcph::agent_bridge
