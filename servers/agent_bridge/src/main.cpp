// agent-bridge-mcp: an MCP bridge to Vault for agents. An agent (API key, JWT or client
// certificate) reads and writes its own KV v2 prefix <mount>/data/mcp/<agent>/…, each call
// with a child token of the server's parent token bound to the agent's policy, so that Vault
// itself enforces the prefix.
#include <memory>
#include <utility>

#include "bridge_flags.h"
#include "debug_calls.h"
#include "gate.h"
#include "mcp_endpoint.h"
#include "mcph/http/json.h"
#include "mcph/servers/http_options.h"
#include "mcph/servers/resource_metadata.h"
#include "mcph/servers/protocol_flag.h"
#include "mcph/servers/slow_warm_path.h"

int main(int argc, char** argv) {
  using namespace mcph;
  using namespace mcph::agent_bridge;
  cli::Flags flags("agent-bridge-mcp", "MCP bridge to Vault for agents: each agent reads and writes its own KV prefix.");
  declare_flags(flags);
  declare_authorization_server_flags(flags);
  flags.parse(argc, argv);

  const AgentsFile agents = flags.get("agents-file").empty() ? AgentsFile() : AgentsFile::load(flags.get("agents-file"));
  const KvSettings kv = kv_settings(flags);

  http::ServerOptions http_options = servers::http_options_of("agent-bridge-mcp", flags);
  if (!flags.get("tls-cert").empty() || !flags.get("tls-client-ca").empty()) {
    if (flags.get("tls-cert").empty() || flags.get("tls-key").empty() || flags.get("tls-client-ca").empty()) {
      usage_error("--tls-cert, --tls-key and --tls-client-ca go together");
    }
    http::TlsOptions tls;
    tls.certificate_chain_file = flags.get("tls-cert");
    tls.private_key_file = flags.get("tls-key");
    tls.client_ca_file = flags.get("tls-client-ca");
    tls.client_verification = http::ClientVerification::required;
    http_options.tls = tls;
  }
  http::Server http(http_options);
  std::unique_ptr<AuthorizationServer> authorization;
  Gate gate(flags, identity_settings(flags, agents, authorization, http));

  mcp::ServerOptions options = mcp_options(gate, flags.on("unsafe-uncharged-batches"));
  servers::apply_slow_warm_path_flag(flags, options);
  servers::apply_protocol_flag(flags, options);
  mcp::Server mcp(std::move(options));
  add_kv_methods(mcp, kv, gate);

  http.route("GET", "/health", [](const http::Request&, http::Response& res) {
    http::set_json(res, 200, {{"status", "ok"}, {"server", "agent-bridge-mcp"}});
  });
  mcp.mount(http);
  if (kv.unsafe_recent_calls) serve_debug_calls(http, kv.unsafe_recent_calls);
  // The JWT issuer is an authorization server only when it is one's identifier (a URL).
  const std::string issuer = flags.get("jwt-issuer");
  servers::ProtectedResource resource{"agent-bridge-mcp", flags.get("public-url"), {}, {"read", "write", "list", "delete"}, {}};
  if (issuer.rfind("https://", 0) == 0 || issuer.rfind("http://", 0) == 0) resource.authorization_servers = {issuer};
  servers::serve_protected_resource_metadata(http, resource);
  const int status = http::serve_until_signal(http, [&] {
    if (resource.public_url.empty()) resource.public_url = http.url();
    gate.set_resource_metadata_url(servers::resource_metadata_url(resource.public_url));
  });
  http.stop();
  return status;
}
