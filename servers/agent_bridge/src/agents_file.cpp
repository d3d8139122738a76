#include "mcph/agent_bridge/agents_file.h"

#include <fstream>
#include <sstream>
#include <stdexcept>

#include "mcph/openssl/crypto.h"

namespace mcph::agent_bridge {

std::string sha256_hex(const std::string& text) {
  static constexpr char kHex[] = "0123456789abcdef";
  std::string hex;
  for (const char byte : openssl::sha256(text)) {
    hex += kHex[static_cast<unsigned char>(byte) >> 4];
    hex += kHex[static_cast<unsigned char>(byte) & 0xf];
  }
  return hex;
}

bool valid_agent_id(const std::string& id) {
  if (id.empty() || id.size() > 64) return false;
  for (const char c : id) {
    const bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' || c == '_';
    if (!ok) return false;
  }
  return true;
}

AgentsFile AgentsFile::parse(const std::string& text) {
  AgentsFile file;
  std::istringstream lines(text);
  std::string line;
  for (int number = 1; std::getline(lines, line); ++number) {
    if (line.empty() || line[0] == '#') continue;
    std::istringstream words(line);
    AgentEntry entry;
    std::string key, scope;
    words >> entry.id >> key;
    if (!valid_agent_id(entry.id) || key.empty()) {
      throw std::runtime_error("agents file line " + std::to_string(number) + ": expected 'agent-id key-sha256-hex scope…'");
    }
    if (key != "-") {
      if (key.size() != 64 || key.find_first_not_of("0123456789abcdef") != std::string::npos) {
        throw std::runtime_error("agents file line " + std::to_string(number) + ": the key digest is not 64 lower-case hex digits");
      }
      entry.key_sha256 = key;
    }
    while (words >> scope) entry.scopes.push_back(scope);
    file.agents_.push_back(std::move(entry));
  }
  return file;
}

AgentsFile AgentsFile::load(const std::string& path) {
  std::ifstream in(path);
  if (!in) throw std::runtime_error("cannot read the agents file " + path);
  std::stringstream text;
  text << in.rdbuf();
  return parse(text.str());
}

std::optional<AgentEntry> AgentsFile::by_api_key(const std::string& key) const {
  const std::string digest = sha256_hex(key);
  std::optional<AgentEntry> found;
  for (const auto& agent : agents_) {
    if (openssl::constant_time_equals(agent.key_sha256, digest) && !found) found = agent;
  }
  return found;
}

std::optional<AgentEntry> AgentsFile::by_id(const std::string& id) const {
  for (const auto& agent : agents_) {
    if (agent.id == id) return agent;
  }
  return std::nullopt;
}

}  // namespace mcph::agent_bridge
