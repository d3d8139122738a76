// The standin rows of the service table: the project's own binaries (the mocks of Keycloak,
// Cognito, Vault, Jira and GitHub, and the reference MCP servers), each on a free loopback port.
#include <memory>

#include "mcph/harness/stack/local_stack.h"
#include "mcph/harness/fixtures/data_layout.h"
#include "mcph/harness/fixtures/user_fixtures.h"
#include "mcph/postgres/server.h"
#include "mcph/proc/service.h"
#include "service_binaries.h"
#include "service_starters.h"

namespace mcph::harness::stack {
namespace {

using namespace std::chrono_literals;
namespace fs = std::filesystem;

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
  const idp::IdentityProvider& provider = context.stack.identity_provider();
  const std::string idp = provider.service();
  std::vector<std::string> argv = {service_binary(name),
                                   "--port", "0",
                                   "--vault-url", url_for_servers(context, "vault"),
                                   "--rate-limit", std::to_string(context.params.rate_limit.requests),
                                   "--rate-window-ms", std::to_string(context.params.rate_limit.window.count()),
                                   // POST /sse as well: the original demo's transport, so an external
                                   // stack file can point at either endpoint.
                                   "--legacy-sse"};
  // How it checks its callers' tokens, and reaches the provider's keys (through the fault proxy
  // when there is one).
  idp::IdentityProviderSite site = context.stack.identity_provider_site(context.fixtures_dir);
  site.url_for_servers = url_for_servers(context, idp);
  idp::McpServerTrust trust = provider.mcp_server_trust(site, name);
  const std::vector<std::string> flags = trust.server_flags();
  argv.insert(argv.end(), flags.begin(), flags.end());
  argv.insert(argv.end(), own.begin(), own.end());
  RunningService running = start_mcp_binary(context, name, std::move(argv), std::move(trust.env));
  running.entry.mcp.rate_limit = context.params.rate_limit;
  running.entry.mcp.clients = trust.allowed_clients;
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

RunningService start_mcp_binary(StackContext& context, const std::string& name, std::vector<std::string> argv,
                                std::vector<std::pair<std::string, std::string>> env) {
  const std::string& era = context.params.protocol;
  if (!era.empty()) argv.insert(argv.end(), {"--protocol", era});
  RunningService running = start_project_binary(context, name, std::move(argv), std::move(env));
  running.entry.url += "/mcp";
  running.entry.mcp.transport = "streamable-http";
  running.entry.mcp.protocol = era;
  return running;
}

std::string service_binary(const std::string& name) {
  const fs::path installed = fixtures::service_binary_dir();
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

// Of the stack's PostgreSQL connections, what postgres-mcp may keep: every provisioned user's role
// logged in under load (beyond its pool, each call logs in anew: SCRAM and a backend process, most
// of a call's time), the rest left for mock-vault's admin connection and the servers a test runs
// beside the stack.
constexpr int kPostgresMcpConnections = postgres::kMaxConnections * 3 / 4;

RunningService start_postgres_mcp(StackContext& context) {
  const HostPort database = address_for_servers(context, "postgres");
  return start_mcp_server(context, "postgres-mcp", "postgres",
                          {"--db-host", database.host, "--db-port", database.port, "--db-max-connections",
                           std::to_string(kPostgresMcpConnections)});
}

}  // namespace mcph::harness::stack
