// The standin rows of the service table: the project's own binaries (the mocks of Keycloak,
// Vault, Jira and GitHub, and the reference MCP servers), each on a free loopback port.
#include <memory>

#include "mcph/harness/stack/local_stack.h"
#include "mcph/harness/fixtures/data_layout.h"
#include "mcph/harness/fixtures/user_fixtures.h"
#include "mcph/postgres/server.h"
#include "mcph/proc/service.h"
#include "service_binaries.h"
#include "service_starters.h"

namespace mcph::harness {
namespace {

using namespace std::chrono_literals;
namespace fs = std::filesystem;

const std::string& url_of(const StackContext& context, const std::string& service) {
  return context.stack.service(service).url;
}

RunningService start_backend(StackContext& context, const std::string& name, const std::string& binary,
                             const std::string& data_file) {
  return start_project_binary(context, name,
                              {service_binary(binary), "--port", "0", "--secrets", context.secrets_file.string(), "--data",
                               (context.fixtures_dir / "backends" / data_file).string()});
}

// The flags every reference MCP server takes, then its own; `backend` is the service its tools
// reach (jira-api, github-api, postgres), given to it in `own`.
RunningService start_mcp_server(StackContext& context, const std::string& name, const std::string& backend,
                                std::vector<std::string> own) {
  const bool cognito = context.params.idp == IdentityProvider::cognito;
  const std::string idp = identity_provider_service(context.params.idp);
  std::vector<std::string> argv = {service_binary(name),
                                   "--port", "0",
                                   "--vault-url", url_for_servers(context, "vault"),
                                   "--rate-limit", std::to_string(context.params.rate_limit.requests),
                                   "--rate-window-ms", std::to_string(context.params.rate_limit.window.count()),
                                   // POST /sse as well: the original demo's transport, so an external
                                   // stack file can point at either endpoint.
                                   "--legacy-sse"};
  std::vector<std::pair<std::string, std::string>> env;
  if (cognito) {
    // The pool's access tokens: its issuer and keys (through the fault proxy when there is one),
    // token_use access, the stack's app client. No token exchange: the server logs in to Vault
    // with its caller's own access token (docs/modes.md#cognito-and-vault).
    const IdentityProviderFields& pool = context.stack.service(idp).idp;
    argv.insert(argv.end(), {"--token-profile", "cognito",
                             "--issuer", pool.issuer,
                             "--jwks-url", url_for_servers(context, idp) + "/" + pool.pool_id + "/.well-known/jwks.json",
                             "--allowed-client", pool.app_client_id,
                             "--vault-login", "passthrough",
                             // The pool grants no per-server scopes: no tool asks for one.
                             "--write-scope", "none"});
  } else {
    const std::string issuer = url_of(context, idp) + "/realms/" + context.stack.realm;
    // The realm as the server reaches it (its keys, the token exchange): through the fault proxy
    // when there is one; the tokens' issuer stays the realm's own URL.
    const std::string realm_url = url_for_servers(context, idp) + "/realms/" + context.stack.realm;
    argv.insert(argv.end(), {"--issuer", issuer,
                             "--jwks-url", realm_url + "/protocol/openid-connect/certs",
                             "--realm-url", realm_url,
                             // The realm's user-facing clients (fixtures/keycloak): tokens any
                             // other client got are refused.
                             "--allowed-client", "mcp-client",
                             "--allowed-client", "mcp-client-short-lived",
                             "--allowed-client", "mcp-client-email-login"});
    // The server's own client (the realm fixture's client of its name), for the token exchange
    // that gets its Vault identity; in the environment, not on a command line `ps` shows.
    env.emplace_back("MCPH_CLIENT_SECRET", realm_client_secret(FixtureFiles::in(context.fixtures_dir), name));
  }
  argv.insert(argv.end(), own.begin(), own.end());
  RunningService running = start_project_binary(context, name, std::move(argv), std::move(env));
  running.entry.url += "/mcp";
  running.entry.mcp.transport = "streamable-http";
  running.entry.mcp.rate_limit = context.params.rate_limit;
  // What it was given the fault proxy's address of (above and in `own`): where faults reach it.
  for (const std::string& service : {idp, std::string("vault"), backend}) {
    if (context.fault_proxied.count(service)) running.entry.mcp.behind_fault_proxy.push_back(service);
  }
  return running;
}

}  // namespace

RunningService start_project_binary(StackContext& context, const std::string& name, std::vector<std::string> argv,
                                    std::vector<std::pair<std::string, std::string>> env) {
  proc::SpawnOptions spawn;
  spawn.name = name;
  spawn.argv = std::move(argv);
  spawn.env = std::move(env);
  spawn.log_path = context.log_path(name).string();
  proc::ReadyWhen ready;
  ready.timeout = context.ready_timeout(15s);
  auto started = std::make_shared<proc::StartedService>(proc::start_service(std::move(spawn), ready));
  RunningService running;
  running.entry.url = started->url;
  running.entry.pid = started->process.pid();
  running.entry.log = started->process.log_path();
  running.entry.implementation = "standin";
  running.took = started->took;
  running.stop = [started] { started->process.stop(5s); };
  return running;
}

std::string service_binary(const std::string& name) {
  const fs::path installed = service_binary_dir();
  return installed.empty() ? built_service_binary(name) : (installed / name).string();
}

RunningService start_mock_keycloak(StackContext& context) {
  RunningService running = start_project_binary(context, "keycloak", {service_binary("mock-keycloak"), "--port", "0"});
  running.entry.idp.admin_user = "admin";
  running.entry.idp.admin_password = "admin";
  return running;
}

RunningService start_mock_cognito(StackContext& context) {
  return start_project_binary(context, std::string(kCognitoService), {service_binary("mock-cognito"), "--port", "0"});
}

RunningService start_mock_vault(StackContext& context) {
  const std::string audit_log = context.audit_log().string();
  RunningService running = start_project_binary(
      context, "vault",
      {service_binary("mock-vault"), "--port", "0", "--dev-root-token-id", "root-token", "--audit-log", audit_log});
  revoke_database_leases_before_stop(running, "root-token");
  running.entry.vault.token = "root-token";
  running.entry.vault.audit_log = audit_log;
  return running;
}

RunningService start_mock_jira(StackContext& context) {
  return start_backend(context, "jira-api", "mock-jira", "jira-data.json");
}

RunningService start_mock_github(StackContext& context) {
  return start_backend(context, "github-api", "mock-github", "github-data.json");
}

RunningService start_jira_mcp(StackContext& context) {
  return start_mcp_server(context, "jira-mcp", "jira-api", {"--jira-url", url_for_servers(context, "jira-api")});
}

RunningService start_github_mcp(StackContext& context) {
  return start_mcp_server(context, "github-mcp", "github-api", {"--github-url", url_for_servers(context, "github-api")});
}

RunningService start_postgres_mcp(StackContext& context) {
  const HostPort database = address_for_servers(context, "postgres");
  return start_mcp_server(context, "postgres-mcp", "postgres", {"--db-host", database.host, "--db-port", database.port});
}

}  // namespace mcph::harness
