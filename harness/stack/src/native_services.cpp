// The native rows of the service table: real servers started as processes on free loopback
// ports — PostgreSQL always, and in `real` mode Keycloak (kc.sh start-dev) and Vault (vault
// server -dev) from the real tier `scripts/bootstrap --real` installs.
#include <memory>
#include <nlohmann/json.hpp>
#include <pqxx/pqxx>

#include "mcph/harness/stack/service_health.h"
#include "mcph/harness/fixtures/text_file.h"
#include "mcph/postgres/server.h"
#include "mcph/proc/free_port.h"
#include "mcph/proc/service.h"
#include "mcph/vault/client.h"
#include "service_starters.h"

namespace mcph::harness {
namespace {

using namespace std::chrono_literals;
namespace fs = std::filesystem;

constexpr const char* kAdminUser = "admin";
constexpr const char* kAdminPassword = "admin";
constexpr const char* kVaultRootToken = "root-token";

std::string loopback_url(int port) { return "http://127.0.0.1:" + std::to_string(port); }

proc::HealthProbe http_probe(std::string path) {
  return proc::HealthProbe{"GET " + path, [path](const std::string& base) {
                             return http_get_failure(base + path, 2s);
                           }};
}

// A real server as a process: spawned with its own log, ready when the probe on `probe_base`
// passes, stopped (its whole process group) with `grace`.
struct NativeLaunch {
  std::string name;
  std::vector<std::string> argv;
  std::vector<std::pair<std::string, std::string>> env;
  std::string url;         // where it serves its API
  std::string probe_base;  // where the health probe goes (a management port may differ)
  proc::HealthProbe probe;
  std::chrono::milliseconds timeout;
  std::chrono::milliseconds grace;
};

RunningService launch(StackContext& context, NativeLaunch launch) {
  proc::SpawnOptions spawn;
  spawn.name = launch.name;
  spawn.argv = std::move(launch.argv);
  spawn.env = std::move(launch.env);
  spawn.log_path = context.log_path(launch.name).string();
  spawn.working_dir = context.run_dir.string();
  proc::ReadyWhen ready;
  ready.announces = false;
  ready.url = launch.probe_base;
  ready.health = std::move(launch.probe);
  ready.timeout = launch.timeout;
  auto started = std::make_shared<proc::StartedService>(proc::start_service(std::move(spawn), ready));
  RunningService running;
  running.entry.url = launch.url;
  running.entry.pid = started->process.pid();
  running.entry.log = started->process.log_path();
  running.entry.implementation = "native";
  running.took = started->took;
  running.stop = [started, grace = launch.grace] { started->process.stop(grace); };
  return running;
}

}  // namespace

void revoke_database_leases_before_stop(RunningService& vault, const std::string& root_token) {
  vault.stop = [stop_process = vault.stop, url = vault.entry.url, root_token] {
    try {
      vault::Client(url).call("PUT", "sys/leases/revoke-prefix/database/creds", root_token, "{}");
    } catch (const std::exception&) {
      // Vault already gone: its roles stay in this stack's PostgreSQL, which goes with it.
    }
    stop_process();
  };
}

const RealTier& StackContext::real() {
  if (!real_tier) real_tier = find_real_tier();
  return *real_tier;
}

RunningService start_native_postgres(StackContext& context) {
  postgres::ServerOptions options;
  options.run_dir = context.run_dir;
  const auto started = std::chrono::steady_clock::now();
  context.postgres = std::make_shared<postgres::Server>(postgres::Server::start(options));
  {
    pqxx::connection connection(context.postgres->conninfo());
    pqxx::work tx(connection);
    const fs::path schema = context.fixtures_dir / "postgres" / "schema.sql";
    const auto sql = read_text_file(schema);
    if (!sql) throw std::runtime_error("cannot read " + schema.string());
    tx.exec(*sql);
    tx.commit();
  }
  RunningService running;
  running.entry.url = context.postgres->url();
  running.entry.pid = context.postgres->pid();
  running.entry.log = context.postgres->log_path();
  running.entry.implementation = "native";
  running.took = std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - started);
  running.stop = [server = context.postgres] { server->stop(); };
  return running;
}

// Keycloak in development mode: in-memory H2 (every stack starts from nothing; the provisioner
// creates the realm through the admin REST API, as on any Keycloak), the HTTP and management
// interfaces on free loopback ports, ready when the management interface's /health/ready is.
RunningService start_native_keycloak(StackContext& context) {
  const RealTier& tier = context.real();
  const int http_port = proc::free_loopback_port();
  const int management_port = proc::free_loopback_port();
  // Keycloak's transaction log and temporary files go to this stack's run directory, not into
  // the shared distribution, so that stacks may run side by side.
  const fs::path home = context.run_dir / "keycloak-home";
  fs::create_directories(home);
  NativeLaunch keycloak;
  keycloak.name = "keycloak";
  keycloak.argv = {(tier.keycloak_home / "bin" / "kc.sh").string(),
                   "start-dev",
                   "--http-host=127.0.0.1",
                   "--http-port=" + std::to_string(http_port),
                   // Tokens name this URL as issuer whichever address a client came through
                   // (the MCP servers reach Keycloak through the fault proxy).
                   "--hostname=" + loopback_url(http_port),
                   "--http-management-port=" + std::to_string(management_port),
                   "--health-enabled=true",
                   "--db=dev-mem",
                   // Preview features of the workload-identity design: SPIFFE identity providers
                   // and clients authenticated by their JWT-SVIDs (DPoP is on by default).
                   "--features=client-auth-federated,spiffe"};
  keycloak.env = {{"KC_BOOTSTRAP_ADMIN_USERNAME", kAdminUser},
                  {"KC_BOOTSTRAP_ADMIN_PASSWORD", kAdminPassword},
                  {"JAVA_OPTS_APPEND", "-Djava.io.tmpdir=" + home.string() +
                                           " -Dquarkus.transaction-manager.object-store.directory=" +
                                           (home / "transaction-logs").string()}};
  keycloak.url = loopback_url(http_port);
  keycloak.probe_base = loopback_url(management_port);
  keycloak.probe = http_probe("/health/ready");
  keycloak.timeout = context.ready_timeout(240s);  // a JVM on a busy 2-core machine
  keycloak.grace = 30s;
  RunningService running = launch(context, std::move(keycloak));
  running.entry.idp.admin_user = kAdminUser;
  running.entry.idp.admin_password = kAdminPassword;
  running.entry.health_url = loopback_url(management_port) + "/health/ready";
  running.entry.version = tier.keycloak_version;
  return running;
}

// Vault in development mode: in memory, unsealed, the root token known, no token file written
// to $HOME; the file audit device on once it answers.
RunningService start_native_vault(StackContext& context) {
  const RealTier& tier = context.real();
  const int port = proc::free_loopback_port();
  NativeLaunch vault;
  vault.name = "vault";
  vault.argv = {tier.vault_binary.string(), "server", "-dev", "-dev-no-store-token",
                std::string("-dev-root-token-id=") + kVaultRootToken,
                "-dev-listen-address=127.0.0.1:" + std::to_string(port)};
  vault.env = {{"VAULT_LOG_LEVEL", "info"}, {"HOME", context.run_dir.string()}};
  vault.url = loopback_url(port);
  vault.probe_base = vault.url;
  vault.probe = http_probe("/v1/sys/health");
  vault.timeout = context.ready_timeout(60s);
  vault.grace = 10s;
  RunningService running = launch(context, std::move(vault));

  const std::string audit_log = context.audit_log().string();
  vault::Client client(running.entry.url);
  client.call("PUT", "sys/audit/file", kVaultRootToken,
              nlohmann::json{{"type", "file"}, {"options", {{"file_path", audit_log}}}}.dump());
  revoke_database_leases_before_stop(running, kVaultRootToken);
  running.entry.vault.token = kVaultRootToken;
  running.entry.vault.audit_log = audit_log;
  running.entry.version = tier.vault_version;
  running.entry.vault.binary = tier.vault_binary.string();  // for the contract suite's fresh Vaults
  return running;
}

}  // namespace mcph::harness
