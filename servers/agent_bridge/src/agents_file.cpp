#include "mcph/agent_bridge/agents_file.h"

#include <openssl/crypto.h>
#include <openssl/evp.h>

#include <fstream>
#include <sstream>
#include <stdexcept>


namespace mcph::agent_bridge {

std::string sha256_hex(const std::string& text) {
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int length = 0;
  if (EVP_Digest(text.data(), text.size(), digest, &length, EVP_sha256(), nullptr) != 1) {
    throw std::runtime_error("SHA-256 failed");
  }
  static constexpr char kHex[] = "0123456789abcdef";
  std::string hex;
  for (unsigned int i = 0; i < length; ++i) {
    hex += kHex[digest[i] >> 4];
    hex += kHex[digest[i] & 0xf];
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
    if (agent.key_sha256.size() != digest.size()) continue;
    if (CRYPTO_memcmp(agent.key_sha256.data(), digest.data(), digest.size()) == 0 && !found) found = agent;
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
