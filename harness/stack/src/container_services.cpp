// The container rows of the service table (compose mode): each service is its service of
// docker/compose.yaml — the same name as its row — started with Compose (compose_engine.h: Docker,
// or podman through its API socket), ready once its own health check passes, and reached on the
// demo's fixed ports.
#include <unistd.h>

#include <cctype>
#include <nlohmann/json.hpp>
#include <cstdlib>
#include <thread>

#include "compose_engine.h"
#include "mcph/harness/fixtures/data_layout.h"
#include "mcph/harness/fixtures/text_file.h"
#include "mcph/proc/child_process.h"
#include "mcph/vault/client.h"
#include "service_starters.h"

namespace mcph::harness::stack {
namespace {

using namespace std::chrono_literals;
namespace fs = std::filesystem;

fs::path compose_file() { return fixtures::data_dir(fixtures::DataDir::docker) / "compose.yaml"; }

std::string joined(const std::vector<std::string>& words) {
  std::string line;
  for (const auto& word : words) line += (line.empty() ? "" : " ") + word;
  return line;
}

// `COMPOSE -f FILE -p PROJECT ARGS…` for one stack. MCPH_RUN_DIR tells compose.yaml where this
// stack's files are (secrets.json with the generated users' backend credentials, the Vault audit
// log), MCPH_UID and MCPH_GID whom the containers that use them run as: this process's user, so
// that those files stay its own alone.
class Compose {
 public:
  Compose(ComposeEngine engine, std::string project, fs::path run_dir)
      : engine_(std::move(engine)), project_(std::move(project)), run_dir_(std::move(run_dir)) {}

  proc::CommandResult run(const std::vector<std::string>& args, std::chrono::milliseconds timeout,
                          bool stdout_only = false) const {
    proc::SpawnOptions command;
    command.name = "docker compose";
    command.env = {{"MCPH_RUN_DIR", run_dir_.string()},
                   {"MCPH_UID", std::to_string(::getuid())},
                   {"MCPH_GID", std::to_string(::getgid())}};
    if (!engine_.docker_host.empty()) command.env.emplace_back("DOCKER_HOST", engine_.docker_host);
    command.argv = argv(args);
    command.discard_stderr = stdout_only;
    return proc::run_command(command, timeout);
  }

  // Throws with Compose's own words when it fails.
  std::string must(const std::vector<std::string>& args, std::chrono::milliseconds timeout,
                   bool stdout_only = false) const {
    const proc::CommandResult result = run(args, timeout, stdout_only);
    if (result.exit_code != 0) {
      throw std::runtime_error(joined(argv(args)) + " failed (" +
                               (result.exit_code < 0 ? std::string("timed out or killed")
                                                     : "exit " + std::to_string(result.exit_code)) +
                               "):\n" + result.output + engine_.hint +
                               "; compose mode needs a Docker engine or podman with Docker Compose v2; without "
                               "one, use --mode local or --mode real");
    }
    return result.output;
  }

 private:
  std::vector<std::string> argv(const std::vector<std::string>& args) const {
    std::vector<std::string> line = engine_.program;
    for (const std::string& word : {std::string("-f"), compose_file().string(), std::string("-p"), project_}) {
      line.push_back(word);
    }
    line.insert(line.end(), args.begin(), args.end());
    return line;
  }

  ComposeEngine engine_;
  std::string project_;
  fs::path run_dir_;
};

// The service's health check of compose.yaml, as a command to run in its container; empty when
// it has none. Compose reads the file (`config`), so anchors and merges are resolved as it does.
std::vector<std::string> health_command(const Compose& compose, const std::string& service) {
  const std::string config = compose.must({"config", "--format", "json"}, 60s, true);
  if (config.find_first_not_of(" \n") == std::string::npos) return {};
  const auto test = nlohmann::json::parse(config)["services"][service]["healthcheck"]["test"];
  if (test.is_string()) return {"/bin/sh", "-c", test.get<std::string>()};
  if (!test.is_array() || test.empty()) return {};
  const auto form = test[0].get<std::string>();
  if (form == "CMD-SHELL" && test.size() == 2) return {"/bin/sh", "-c", test[1].get<std::string>()};
  if (form != "CMD") return {};  // NONE: no check
  std::vector<std::string> command;
  for (std::size_t i = 1; i < test.size(); ++i) command.push_back(test[i].get<std::string>());
  return command;
}

// Runs the service's health check in its container until it passes. The engine's own schedule
// of health checks is not waited for: podman runs them from systemd timers, and without systemd
// never, so a container stays "starting" however ready it is.
void wait_until_healthy(const Compose& compose, const std::string& service, std::chrono::milliseconds timeout) {
  std::vector<std::string> exec = {"exec", "-T", service};
  const auto check = health_command(compose, service);
  if (check.empty()) return;
  exec.insert(exec.end(), check.begin(), check.end());
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  for (;;) {
    const proc::CommandResult result = compose.run(exec, 30s);
    if (result.exit_code == 0) return;
    if (std::chrono::steady_clock::now() >= deadline) {
      const proc::CommandResult logs = compose.run({"logs", "--no-color", "--tail", "30", service}, 30s);
      throw std::runtime_error(service + "'s health check (" + joined(check) + ") did not pass within " +
                               std::to_string(timeout.count() / 1000) + " s: " + result.output +
                               "\nits last log lines:\n" + logs.output);
    }
    std::this_thread::sleep_for(1s);
  }
}

// Removes the service's container; with the project's last container, also its network and
// volumes, so that a stack's `down` leaves nothing of it on the engine.
void remove_container(const Compose& compose, const std::string& service) {
  compose.run({"rm", "--stop", "--force", "--volumes", service}, 120s);
  const proc::CommandResult left = compose.run({"ps", "--all", "--quiet"}, 60s, true);
  if (left.exit_code == 0 && left.output.find_first_not_of(" \n") == std::string::npos) {
    compose.run({"down", "--volumes", "--remove-orphans"}, 120s);
  }
}

}  // namespace

std::string StackContext::compose_project() const {
  // One project per run directory: two stacks never share containers.
  std::string name = "mcph-" + run_dir.filename().string();
  for (auto& c : name) {
    if (!std::isalnum(static_cast<unsigned char>(c)) && c != '-' && c != '_') c = '-';
    c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  }
  return name;
}

StartFunction start_container(std::string service, std::string url, std::string url_inside, ContainerStep prepare,
                              ContainerStep finish) {
  return [service, url, url_inside, prepare, finish](StackContext& context) {
    const auto started = std::chrono::steady_clock::now();
    const Compose compose(find_compose_engine(context.params.engine_socket), context.compose_project(),
                          context.run_dir);
    RunningService running;
    running.entry.url = url;
    running.entry.implementation = "container";
    running.entry.url_inside = url_inside;  // how the other containers reach it
    if (prepare) prepare(context, running);
    compose.must({"up", "--detach", "--no-deps", service}, context.ready_timeout(300s));
    running.stop = [compose, service] {
      try {
        remove_container(compose, service);
      } catch (const std::exception&) {
        // The engine went away: nothing left to stop here.
      }
    };
    try {
      wait_until_healthy(compose, service, context.ready_timeout(300s));
      if (finish) finish(context, running);
    } catch (...) {
      running.stop();  // it was started: nobody else will remove it
      throw;
    }
    running.took =
        std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - started);
    return running;
  };
}

void prepare_vault_container(StackContext& context, RunningService&) {
  // Vault's container runs as the run directory's owner (compose.yaml), so its audit folder is
  // the owner's alone like the rest.
  fixtures::create_private_directory(context.run_dir / "vault-audit");
}

void finish_vault_container(StackContext& context, RunningService& vault) {
  vault::Client(vault.entry.url)
      .call("PUT", "sys/audit/file", "root-token",
            nlohmann::json{{"type", "file"}, {"options", {{"file_path", "/vault-audit/audit.log"}}}}.dump());
  revoke_database_leases_before_stop(vault, "root-token");
  vault.entry.vault.token = "root-token";
  vault.entry.vault.audit_log = (context.run_dir / "vault-audit" / "audit.log").string();
}

void finish_keycloak_container(StackContext&, RunningService& keycloak) {
  keycloak.entry.idp.admin_user = "admin";
  keycloak.entry.idp.admin_password = "admin";
}

StartFunction start_mcp_container(std::string service, std::string url, std::string url_inside) {
  ContainerStep finish = [service](StackContext& context, RunningService& server) {
    const idp::IdentityProviderSite site = context.stack.identity_provider_site(context.fixtures_dir);
    server.entry.mcp.clients = context.stack.identity_provider().mcp_server_trust(site, service).allowed_clients;
  };
  return start_container(service, std::move(url), std::move(url_inside), {}, std::move(finish));
}

}  // namespace mcph::harness::stack
