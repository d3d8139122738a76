#include "agent_stack.h"

#include <nlohmann/json.hpp>
#include <stdexcept>

#include "mcph/agent_bridge/agent_policy.h"
#include "mcph/agent_bridge/agents_file.h"
#include "mcph/harness/stack/tls_proxy.h"
#include "mcph/http/client.h"
#include "mcph/http/server.h"
#include "mcph/jose/jwk.h"
#include "mcph/jose/key.h"
#include "mcph/openssl/crypto.h"
#include "mcph/proc/private_file.h"
#include "mcph/proc/service.h"
#include "mcph/proc/temp_dir.h"
#include "mcph/tls/test_ca.h"

namespace mcph::harness::scenario {
namespace {

using Json = nlohmann::json;
namespace fs = std::filesystem;

constexpr const char* kIssuer = "mcp-harness";
constexpr const char* kAudience = "agent-bridge-mcp";
// The proxy connects to the bridge from this address, the only one whose identity headers the
// bridge believes; the harness's own requests come from 127.0.0.1.
constexpr const char* kProxyAddress = "127.0.0.2";
constexpr const char* kJwtKid = "agents-1";

// The contract's agents: their scopes and secrets (fixtures/agents/agents.json's shape).
struct AgentFixture {
  std::string name;
  std::vector<std::string> scopes;
  Json secrets;
};
const std::vector<AgentFixture>& agents() {
  static const std::vector<AgentFixture> all = {
      {"agent-a", {"read", "write", "list", "delete"},
       {{"jira", {{"token", "agent-a-jira"}}}, {"deploy/key", {{"value", "agent-a-deploy"}}},
        {"release", {{"value", "agent-a-release"}}}}},
      {"agent-b", {"read", "list"}, {{"jira", {{"token", "agent-b-jira"}}}}},
      {"agent-c", {"read"}, {{"jira", {{"token", "agent-c-jira"}}}}},
  };
  return all;
}

std::string random_secret() {
  return openssl::random_text("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789", 40);
}

}  // namespace

struct AgentStack::Impl {
  proc::TempDir dir{"mcph-agent-stack"};
  std::string root_token = random_secret();
  std::unique_ptr<proc::StartedService> vault, bridge;
  std::unique_ptr<stack::TlsProxy> proxy;
  std::unique_ptr<http::Server> jwks;  // RS256/ES256 only
  fs::path stack_file;
  std::vector<std::pair<std::string, std::string>> placeholders;

  void vault_write(const std::string& path, const Json& body) const {
    http::Client client(vault->url);
    const auto reply = client.request("POST", "/v1/" + path, {{"X-Vault-Token", root_token}}, body.dump(), "application/json");
    if (reply.status >= 300) throw std::runtime_error("Vault refused " + path + ": HTTP " + std::to_string(reply.status));
  }
};

AgentStack::AgentStack(const std::vector<std::string>& bridge_switches, const std::string& jwt_alg)
    : impl_(std::make_unique<Impl>()) {
  Impl& s = *impl_;
  const fs::path dir = s.dir.path();
  fs::create_directories(dir / "agents");
  fs::create_directories(dir / "tls");
  const std::string audit_log = (dir / "vault-audit.log").string();
  proc::SpawnOptions vault;
  vault.name = "mock-vault";
  vault.argv = {MCPH_MOCK_VAULT, "--port", "0", "--dev-root-token-id", s.root_token, "--audit-log", audit_log, "--quiet"};
  s.vault = std::make_unique<proc::StartedService>(proc::start_service(vault));

  // Vault audits each request's traceparent in the clear, as the stack's provisioner has it: the
  // bridge sends its calls' on, and a step keeps the entries of its own trace.
  s.vault_write("sys/config/auditing/request-headers/traceparent", {{"hmac", false}});
  // The agents, as the stack provisions them: policy, secrets, API key and OAuth client secret
  // (the bridge holds their digests).
  Json keys = Json::object(), clients = Json::object();
  std::string agents_file, oauth_clients_file;
  for (const AgentFixture& agent : agents()) {
    const std::string key = random_secret();
    keys[agent.name] = key;
    const std::string client_secret = random_secret();
    clients[agent.name] = {{"client_id", agent.name}, {"client_secret", client_secret}};
    oauth_clients_file += agent.name + " " + agent_bridge::sha256_hex(client_secret) + "\n";
    agents_file += agent.name + " " + agent_bridge::sha256_hex(key);
    for (const auto& scope : agent.scopes) agents_file += " " + scope;
    agents_file += "\n";
    s.vault_write("sys/policies/acl/" + agent_bridge::agent_policy_name(agent.name),
                  {{"policy", agent_bridge::agent_policy_hcl("secret", agent.name, agent.scopes)}});
    for (const auto& [path, data] : agent.secrets.items()) s.vault_write("secret/data/mcp/" + agent.name + "/" + path, {{"data", data}});
  }
  proc::write_private_file(dir / "agents" / "api-keys.json", keys.dump());
  proc::write_private_file(dir / "agents" / "bridge-agents", agents_file);
  proc::write_private_file(dir / "agents" / "clients.json", clients.dump());
  proc::write_private_file(dir / "agents" / "oauth-clients", oauth_clients_file);
  // The agents' JWT key: a shared secret, or a key pair whose public half the bridge fetches.
  std::string jwt_key_file = "agents/jwt-hs256.key";
  std::vector<std::string> jwt_flags;
  if (jwt_alg == "HS256") {
    proc::write_private_file(dir / jwt_key_file, random_secret() + random_secret());
    jwt_flags = {"--jwt-secret-file", (dir / jwt_key_file).string()};
  } else {
    const auto alg = jose::alg_from_string(jwt_alg);
    if (!alg) throw std::invalid_argument("AgentStack: no JWT algorithm " + jwt_alg);
    const jose::Key key = *alg == jose::Alg::ES256 ? jose::Key::generate_ec_p256() : jose::Key::generate_rsa();
    jwt_key_file = "agents/jwt-" + jwt_alg + ".pem";
    proc::write_private_file(dir / jwt_key_file, key.private_pem());
    s.jwks = std::make_unique<http::Server>(http::ServerOptions{});
    s.jwks->route("GET", "/jwks", [set = "{\"keys\":[" + jose::Jwk{key, kJwtKid, *alg, "sig"}.to_public_json() + "]}"](
                                      const http::Request&, http::Response& res) { res.set_json(200, set); });
    s.jwks->start();
    jwt_flags = {"--jwks-url", s.jwks->url() + "/jwks", "--jwt-alg", jwt_alg};
  }
  proc::write_private_file(dir / "vault-token", s.root_token);

  const tls::TestCa server_ca(dir / "tls", "server CA", {dir / "tls" / "server-ca.pem", dir / "tls" / "server-ca.key"});
  const tls::CertificateFiles proxy_certificate = server_ca.issue_server("proxy");
  const tls::TestCa agents_ca(dir / "tls", "agents CA", {dir / "tls" / "agents-ca.pem", dir / "tls" / "agents-ca.key"});

  proc::SpawnOptions bridge;
  bridge.name = "agent-bridge-mcp";
  bridge.argv = {MCPH_AGENT_BRIDGE, "--port", "0", "--vault-url", s.vault->url,
                 "--vault-token-file", (dir / "vault-token").string(),
                 "--agents-file", (dir / "agents" / "bridge-agents").string(), "--api-keys",
                 "--jwt-issuer", kIssuer, "--jwt-audience", kAudience, "--trusted-proxy", kProxyAddress,
                 "--oauth-clients-file", (dir / "agents" / "oauth-clients").string(),
                 "--rate-limit", "20", "--rate-window-ms", "1000",
                 // Refusals are the families' daily bread: their per-address budget is not what they test.
                 "--unauthenticated-rate-limit", "200"};
  bridge.argv.insert(bridge.argv.end(), jwt_flags.begin(), jwt_flags.end());
  bridge.argv.insert(bridge.argv.end(), bridge_switches.begin(), bridge_switches.end());
  s.bridge = std::make_unique<proc::StartedService>(proc::start_service(bridge));

  stack::TlsProxyOptions proxy;
  proxy.run_dir = dir;
  proxy.upstream_url = s.bridge->url;
  proxy.certificate_chain_file = proxy_certificate.certificate.string();
  proxy.private_key_file = proxy_certificate.private_key.string();
  proxy.client_ca_file = agents_ca.certificate_file().string();
  proxy.server_ca_file = server_ca.certificate_file().string();
  // The proxy passes on its verdict on any certificate: the bridge is what refuses it.
  proxy.client_verification = stack::ProxyClientVerification::optional_no_ca;
  proxy.upstream_source_address = kProxyAddress;
  s.proxy = std::make_unique<stack::TlsProxy>(stack::TlsProxy::start(proxy));

  // Paths relative to the stack file's directory, as a person writing one would.
  Json auth = {
      {"default", "api_key"},
      {"agents", {"agent-a", "agent-b", "agent-c"}},
      {"api_key", {{"header", "X-API-Key"}, {"keys_file", "agents/api-keys.json"}}},
      {"static_jwt", {{"alg", jwt_alg}, {"key_file", jwt_key_file}, {"iss", kIssuer}, {"aud", kAudience}}},
      {"mtls", {{"proxy_url", s.proxy->url() + "/mcp"}, {"direct_url", s.bridge->url + "/mcp"},
                {"server_ca_file", fs::relative(server_ca.certificate_file(), dir).string()},
                {"client_ca_cert", fs::relative(agents_ca.certificate_file(), dir).string()},
                {"client_ca_key", "tls/agents-ca.key"}}},
      {"proxy_headers", {{"dn_header", "X-SSL-Client-S-DN"}, {"verify_header", "X-SSL-Client-Verify"}}},
      // The bridge's own authorization server, at its own URL.
      {"client_credentials", {{"token_url", s.bridge->url + "/oauth2/token"}, {"clients_file", "agents/clients.json"},
                              {"issuer", s.bridge->url}, {"audience", kAudience}}}};
  if (jwt_alg != "HS256") auth["static_jwt"]["kid"] = kJwtKid;  // the JWKS key's
  const Json stack = {
      {"mode", "external"},
      {"services",
       {{"vault", {{"url", s.vault->url}, {"token", s.root_token}, {"audit_log", audit_log}}},
        {"agent-bridge-mcp", {{"url", s.bridge->url + "/mcp"}, {"transport", "streamable-http"}, {"profile", "agent-bridge"},
                              {"rate_limit", "20/1000ms"}, {"auth", auth}}},
        {"tls-proxy", {{"url", s.proxy->url()}, {"upstream", "agent-bridge-mcp"},
                       {"ca_file", server_ca.certificate_file().string()}}}}}};
  s.stack_file = dir / "stack.json";
  proc::write_private_file(s.stack_file, stack.dump(2) + "\n");
  s.placeholders = {{"@VAULT_URL@", s.vault->url}, {"@VAULT_TOKEN@", s.root_token}, {"@VAULT_AUDIT_LOG@", audit_log},
                    {"@SERVER_URL@", s.bridge->url}, {"@PROXY_URL@", s.proxy->url()},
                    {"@JWT_ISSUER@", kIssuer}, {"@JWT_AUDIENCE@", kAudience}};
}

fs::path AgentStack::write_stack_file(const std::string& name, std::string text) const {
  for (const auto& [placeholder, value] : impl_->placeholders) {
    for (std::size_t at = text.find(placeholder); at != std::string::npos; at = text.find(placeholder, at + value.size())) {
      text.replace(at, placeholder.size(), value);
    }
  }
  if (const auto left = text.find('@'); left != std::string::npos && text.find('@', left + 1) != std::string::npos) {
    throw std::runtime_error(name + ": a placeholder this stack does not fill: " + text.substr(left, 40));
  }
  const fs::path path = impl_->dir.path() / name;
  proc::write_private_file(path, text);
  return path;
}

AgentStack::~AgentStack() = default;

const fs::path& AgentStack::stack_file() const { return impl_->stack_file; }

}  // namespace mcph::harness::scenario
