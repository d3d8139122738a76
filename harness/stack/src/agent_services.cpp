// The agents' rows of the service table: agent-bridge-mcp (servers/agent_bridge) with the agents
// the provisioner gives it, and Debian's nginx (TlsProxy) in front of it checking the agents'
// client certificates. The stack file tells the scenario runner how each agent authenticates
// (an entry's "auth": API key, HS256 JWT, client certificate through the proxy, the proxy's
// headers, the client credentials grant of the bridge's own authorization server), naming files
// in the run directory, never a secret. On a Keycloak stack the agents are also the realm's
// service-account clients, and the bridge takes the realm's tokens for them too.
#include <chrono>
#include <memory>

#include "mcph/harness/fixtures/text_file.h"
#include "mcph/harness/provision/agent_provisioning.h"
#include "mcph/harness/provision/keycloak_service_accounts.h"
#include "mcph/harness/stack/local_stack.h"
#include "mcph/harness/stack/proxy_certificates.h"
#include "mcph/harness/stack/tls_proxy.h"
#include "mcph/http/url.h"
#include "service_starters.h"

namespace mcph::harness::stack {
namespace {

namespace fs = std::filesystem;

// What the bridge checks in the agents' HS256 JWTs (and the harness puts in those it signs).
constexpr const char* kJwtIssuer = "mcp-harness";
constexpr const char* kJwtAudience = "agent-bridge-mcp";
// nginx reaches the bridge from an address of its own, the only one whose identity headers the
// bridge believes: a local client going around the proxy comes from 127.0.0.1.
constexpr const char* kProxyAddress = "127.0.0.2";

// `origin`: the bridge's own, where its authorization server is.
AgentAuthFields agent_auth(const provision::ProvisionedAgents& agents, const std::string& origin) {
  AgentAuthFields auth;
  auth.default_kind = "api_key";
  auth.agents = agents.agents;
  auth.api_key = ApiKeyAuth{"X-API-Key", agents.api_keys_file.string()};
  auth.static_jwt = StaticJwtAuth{"HS256", agents.jwt_key_file.string(), kJwtIssuer, kJwtAudience, {}, {}, {}};
  auth.proxy_headers = ProxyHeadersAuth{"X-SSL-Client-S-DN", "X-SSL-Client-Verify"};
  ClientCredentialsAuth grant;
  grant.token_url = origin + "/oauth2/token";
  grant.clients_file = agents.clients_file.string();
  grant.method = "client_secret_post";
  grant.issuer = origin;
  grant.audience = kJwtAudience;
  auth.client_credentials = grant;
  return auth;
}

}  // namespace

RunningService start_agent_bridge(StackContext& context) {
  // A fixtures folder of a user's own may have no agents: the stack runs without the bridge.
  if (!fs::exists(context.fixtures_dir / "agents" / "agents.json")) {
    throw ServiceSkipped("the fixtures (" + context.fixtures_dir.string() + ") have no agents/agents.json");
  }
  context.say("provisioning: the agents of agent-bridge-mcp (fixtures/agents), their policies, secrets and keys");
  provision::AgentProvisionOptions options;
  options.fixtures_dir = context.fixtures_dir;
  options.run_dir = context.run_dir;
  options.progress = context.say;
  const provision::ProvisionedAgents agents = provision::provision_agents(provision_target(context.stack), options);

  const RateLimit& limit = context.params.rate_limit;
  std::vector<std::string> argv = {service_binary("agent-bridge-mcp"),
                                   "--port", "0",
                                   "--vault-url", url_for_servers(context, "vault"),
                                   "--vault-token-file", agents.vault_token_file.string(),
                                   "--token-role", agents.token_role,
                                   "--kv-mount", "secret",
                                   "--agents-file", agents.agents_file.string(),
                                   "--api-keys",
                                   "--jwt-secret-file", agents.jwt_key_file.string(),
                                   "--jwt-issuer", kJwtIssuer,
                                   "--jwt-audience", kJwtAudience,
                                   "--oauth-clients-file", agents.oauth_clients_file.string(),
                                   "--trusted-proxy", kProxyAddress,
                                   "--rate-limit", std::to_string(limit.requests),
                                   "--unauthenticated-rate-limit", std::to_string(limit.requests),
                                   "--rate-window-ms", std::to_string(limit.window.count())};
  // On a Keycloak stack the realm is an authorization server for the agents too: their
  // service-account clients, whose tokens the bridge takes by their azp (the realm as an
  // authorization server under test: docs/target-profiles.md).
  if (context.stack.identity_provider().authorizes_agents()) {
    provision::ServiceAccountOptions accounts;
    accounts.fixtures_dir = context.fixtures_dir;
    accounts.run_dir = context.run_dir;
    accounts.audience = kJwtAudience;
    accounts.progress = context.say;
    provision::provision_service_accounts(provision_target(context.stack), accounts);
    // Keycloak's own address, not its fault proxy's: the faults family's IdP faults are the
    // users' servers', and the bridge is not among them.
    const idp::IdentityProviderSite site = context.stack.identity_provider_site();
    const std::string realm = site.url + "/realms/" + site.realm;
    argv.insert(argv.end(), {"--trusted-issuer", realm, "--trusted-issuer-jwks-url", realm + "/protocol/openid-connect/certs",
                             "--trusted-issuer-audience", kJwtAudience});
  }
  RunningService running = start_mcp_binary(context, std::string(kAgentBridgeService), std::move(argv));
  running.entry.mcp.profile = "agent-bridge";
  running.entry.mcp.rate_limit = limit;
  running.entry.mcp.refused_rate_limit = limit;  // the requests it refuses, per source address
  if (context.fault_proxied.count("vault")) running.entry.mcp.behind_fault_proxy.push_back("vault");
  running.entry.mcp.auth = agent_auth(agents, http::parse_url(running.entry.url).origin());
  return running;
}

RunningService start_tls_proxy(StackContext& context) {
  const std::string bridge_name(kAgentBridgeService);
  ServiceEntry* bridge = context.stack.services.count(bridge_name) ? &context.stack.services[bridge_name] : nullptr;
  if (!bridge || !bridge->mcp.auth) throw ServiceSkipped("no agent-bridge-mcp in this stack to put it in front of");
  std::string nginx;
  try {
    nginx = find_nginx();
  } catch (const NginxMissing& e) {
    throw ServiceSkipped(std::string(e.what()) + "; the agents reach the bridge without a TLS proxy");
  }
  const ProxyCertificates files = make_proxy_certificates(context.run_dir);
  TlsProxyOptions options;
  options.run_dir = context.run_dir;
  options.upstream_url = http::parse_url(bridge->url).origin();
  options.upstream_source_address = kProxyAddress;
  options.certificate_chain_file = files.server_certificate.string();
  options.private_key_file = files.server_key.string();
  options.client_ca_file = files.agents_ca.string();
  options.server_ca_file = files.ca.string();
  options.nginx_binary = nginx;
  options.ready_timeout = context.ready_timeout(std::chrono::seconds(15));
  const auto started = std::chrono::steady_clock::now();
  auto proxy = std::make_shared<TlsProxy>(TlsProxy::start(std::move(options)));

  RunningService running;
  running.entry.url = proxy->url();
  running.entry.pid = proxy->pid();
  running.entry.log = proxy->log_path();
  running.entry.proxy.upstream = bridge_name;
  running.entry.proxy.ca_file = files.ca.string();
  running.took = std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - started);
  running.stop = [proxy] { proxy->stop(); };
  bridge->mcp.auth->mtls = MtlsAuth{proxy->url() + "/mcp", bridge->url, files.ca.string(), files.agents_ca.string(),
                                    files.agents_ca_key.string()};
  return running;
}

}  // namespace mcph::harness::stack
