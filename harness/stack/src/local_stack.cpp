#include "mcph/harness/local_stack.h"

#include <fstream>
#include <pqxx/pqxx>

#include "mcph/http/server.h"
#include "mcph/harness/text_file.h"
#include "mcph/harness/user_fixtures.h"
#include "service_binaries.h"

namespace mcph::harness {
namespace {

namespace fs = std::filesystem;


}  // namespace

std::string service_binary(const std::string& name) {
  if (const char* dir = std::getenv("MCPH_BIN_DIR"); dir && *dir) return (fs::path(dir) / name).string();
  return built_service_binary(name);
}

void LocalStack::say(const std::string& line) const {
  if (options_.progress) options_.progress(line);
}

std::string LocalStack::start(const std::string& name, std::vector<std::string> argv) {
  proc::SpawnOptions spawn;
  spawn.name = name;
  spawn.argv = std::move(argv);
  spawn.log_path = (run_dir_ / (name + ".log")).string();
  const auto started = std::chrono::steady_clock::now();
  proc::ChildProcess child = proc::ChildProcess::spawn(spawn);
  const std::string line = child.wait_for_line(
      [](std::string_view l) { return http::parse_listen_line(l).has_value(); }, options_.ready_timeout);
  const std::string url = *http::parse_listen_line(line);
  const auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - started);
  say("  " + name + " ready at " + url + " (" + std::to_string(ms.count()) + " ms)");
  ServiceEntry entry;
  entry.url = url;
  entry.pid = child.pid();
  entry.log = spawn.log_path;
  stack_.services[name] = entry;
  services_.push_back(std::move(child));
  return url;
}

std::unique_ptr<LocalStack> LocalStack::up(LocalStackOptions options) {
  std::unique_ptr<LocalStack> stack(new LocalStack());
  stack->options_ = std::move(options);
  auto& o = stack->options_;
  if (o.fixtures_dir.empty()) o.fixtures_dir = default_fixtures_dir();
  if (o.run_dir.empty()) {
    stack->temp_.emplace("mcph-stack");
    stack->run_dir_ = stack->temp_->path();
  } else {
    stack->run_dir_ = fs::absolute(o.run_dir);
    fs::create_directories(stack->run_dir_);
  }
  const fs::path& run = stack->run_dir_;

  stack->say("postgres: initdb and start");
  postgres::ServerOptions pg;
  pg.run_dir = run;
  stack->postgres_.emplace(postgres::Server::start(pg));
  {
    pqxx::connection connection(stack->postgres_->conninfo());
    pqxx::work tx(connection);
    const fs::path schema = o.fixtures_dir / "postgres" / "schema.sql";
    const auto sql = read_text_file(schema);
    if (!sql) throw std::runtime_error("cannot read " + schema.string());
    tx.exec(*sql);
    tx.commit();
  }
  stack->stack_.services["postgres"] = ServiceEntry{stack->postgres_->url(), stack->postgres_->pid(),
                                                    stack->postgres_->log_path(), {}};

  // The mock backends accept the fixture users' credentials and the generated users'.
  const auto users = load_users(FixtureFiles::in(o.fixtures_dir), o.generated_users);
  const fs::path secrets = run / "secrets.json";
  std::ofstream(secrets) << secrets_json(users);
  fs::permissions(secrets, fs::perms::owner_read | fs::perms::owner_write);

  stack->say("services: starting");
  const std::string keycloak = stack->start("keycloak", {service_binary("mock-keycloak"), "--port", "0"});
  stack->stack_.services["keycloak"].extra = {{"admin_user", "admin"}, {"admin_password", "admin"}};
  const std::string vault = stack->start(
      "vault", {service_binary("mock-vault"), "--port", "0", "--dev-root-token-id", "root-token", "--audit-log",
                (run / "vault-audit.log").string()});
  stack->stack_.services["vault"].extra = {{"token", "root-token"}, {"audit_log", (run / "vault-audit.log").string()}};
  const fs::path backends = o.fixtures_dir / "backends";
  const std::string jira_api = stack->start("jira-api", {service_binary("mock-jira"), "--port", "0", "--secrets",
                                                         secrets.string(), "--data", (backends / "jira-data.json").string()});
  const std::string github_api =
      stack->start("github-api", {service_binary("mock-github"), "--port", "0", "--secrets", secrets.string(), "--data",
                                  (backends / "github-data.json").string()});

  stack->say("provisioning: Keycloak realm and users, Vault auth, policy, entities, secrets, database roles");
  ProvisionTarget target;
  target.keycloak_url = keycloak;
  target.vault_url = vault;
  target.vault_token = "root-token";
  target.postgres_url = stack->postgres_->url();
  ProvisionOptions provision_options;
  provision_options.fixtures_dir = o.fixtures_dir;
  provision_options.generated_users = o.generated_users;
  provision_options.progress = o.progress;
  stack->provisioned_ = provision(target, provision_options);

  const std::string issuer = keycloak + "/realms/" + stack->stack_.realm;
  const std::vector<std::string> common = {"--port",       "0",
                                           "--issuer",     issuer,
                                           "--vault-url",  vault,
                                           "--rate-limit", std::to_string(o.rate_limit),
                                           "--rate-window-ms", std::to_string(o.rate_window_ms),
                                           // POST /sse as well: the original demo's transport, so an
                                           // external stack file can point at either endpoint.
                                           "--legacy-sse"};
  auto with_common = [&](std::vector<std::string> argv, std::initializer_list<std::string> own) {
    argv.insert(argv.end(), common.begin(), common.end());
    argv.insert(argv.end(), own.begin(), own.end());
    return argv;
  };
  const std::string pg_port = std::to_string(stack->postgres_->port());
  for (const auto& [name, argv] : std::vector<std::pair<std::string, std::vector<std::string>>>{
           {"jira-mcp", with_common({service_binary("jira-mcp")}, {"--jira-url", jira_api})},
           {"github-mcp", with_common({service_binary("github-mcp")}, {"--github-url", github_api})},
           {"postgres-mcp", with_common({service_binary("postgres-mcp")}, {"--db-port", pg_port})}}) {
    const std::string url = stack->start(name, argv);
    stack->stack_.services[name].url = url + "/mcp";
    stack->stack_.services[name].extra["transport"] = "streamable-http";
  }
  stack->stack_.save(run / "stack.json");
  stack->say("stack: up, stack file " + (run / "stack.json").string());
  return stack;
}

void LocalStack::down() {
  // Reverse order: MCP servers, then the mocks (mock-vault revokes its database roles while
  // PostgreSQL still runs), then PostgreSQL.
  for (auto it = services_.rbegin(); it != services_.rend(); ++it) it->stop(std::chrono::seconds(5));
  services_.clear();
  if (postgres_) postgres_->stop();
  postgres_.reset();
  temp_.reset();
}

LocalStack::~LocalStack() { down(); }

}  // namespace mcph::harness
