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

namespace mcph::harness::scenario {

class AgentStack {
 public:
  // Throws when a part does not start (tls proxy: NginxMissing without nginx). `jwt_alg`: the
  // agents' JWTs, HS256 with a shared secret, or RS256 or ES256 with a key the stack makes and
  // publishes as a one-key JWKS (the bridge's --jwks-url), the stack file's static_jwt signing
  // with its private key.
  explicit AgentStack(const std::vector<std::string>& bridge_switches = {}, const std::string& jwt_alg = "HS256");
  ~AgentStack();
  AgentStack(const AgentStack&) = delete;
  AgentStack& operator=(const AgentStack&) = delete;

  const std::filesystem::path& stack_file() const;
  // Another stack file beside it, written from `text` (a hand-written one, as
  // docs/examples/agent-server.stack.json) with its placeholders filled: @VAULT_URL@,
  // @VAULT_TOKEN@, @VAULT_AUDIT_LOG@, @SERVER_URL@, @PROXY_URL@, @JWT_ISSUER@, @JWT_AUDIENCE@. Its
  // relative paths name this stack's files: agents/api-keys.json, agents/jwt-hs256.key,
  // tls/server-ca.pem, tls/agents-ca.pem, tls/agents-ca.key.
  std::filesystem::path write_stack_file(const std::string& name, std::string text) const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace mcph::harness::scenario
