#pragma once
// A stack for the sabotage tests of the agent families, which need a bridge with a switch on,
// written by the test itself: a mock-vault with its audit log, the agents provisioned as the
// stack would (each agent's policy mcp-agent-<agent>, its KV secrets, its API key, the HS256
// secret, the OAuth clients of the bridge's authorization server and the agents' client CA,
// every secret in a 0600 file), agent-bridge-mcp started with
// the given switches, a TLS proxy (nginx) in front of it, and an external stack file naming
// them, with the bridge's `auth`.
#include <filesystem>
#include <memory>
#include <string>
#include <vector>

namespace mcph::harness {

class AgentStack {
 public:
  // Throws when a part does not start (tls proxy: NginxMissing without nginx).
  explicit AgentStack(const std::vector<std::string>& bridge_switches = {});
  ~AgentStack();
  AgentStack(const AgentStack&) = delete;
  AgentStack& operator=(const AgentStack&) = delete;

  const std::filesystem::path& stack_file() const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace mcph::harness
