// The container rows of the service table (compose mode): each service is its service of
// docker/compose.yaml — the same name as its row — started with `docker compose up --wait`, which
// returns once the container's health check passes, and reached on the demo's fixed ports.
#include <unistd.h>

#include <cctype>
#include <nlohmann/json.hpp>
#include <cstdlib>

#include "mcph/harness/fixtures/data_layout.h"
#include "mcph/harness/fixtures/text_file.h"
#include "mcph/proc/child_process.h"
#include "mcph/vault/client.h"
#include "service_starters.h"

namespace mcph::harness {
namespace {

using namespace std::chrono_literals;
namespace fs = std::filesystem;

fs::path compose_file() { return data_dir(DataDir::docker) / "compose.yaml"; }

// `docker compose -f FILE -p PROJECT ARGS…`; throws with docker's own words when it fails.
// MCPH_RUN_DIR tells compose.yaml where this stack's files are (secrets.json with the generated
// users' backend credentials, the Vault audit log), MCPH_UID and MCPH_GID whom the containers that
// use them run as: this process's user, so that those files stay its own alone.
void compose(const std::string& project, const fs::path& run_dir, const std::vector<std::string>& args,
             std::chrono::milliseconds timeout) {
  proc::SpawnOptions command;
  command.name = "docker compose";
  command.env = {{"MCPH_RUN_DIR", run_dir.string()},
                 {"MCPH_UID", std::to_string(::getuid())},
                 {"MCPH_GID", std::to_string(::getgid())}};
  command.argv = {"docker", "compose", "-f", compose_file().string(), "-p", project};
  command.argv.insert(command.argv.end(), args.begin(), args.end());
  const proc::CommandResult result = proc::run_command(command, timeout);
  if (result.exit_code != 0) {
    std::string line;
    for (const auto& arg : command.argv) line += (line.empty() ? "" : " ") + arg;
    throw std::runtime_error(line + " failed (" +
                             (result.exit_code < 0 ? std::string("timed out or killed")
                                                   : "exit " + std::to_string(result.exit_code)) +
                             "):\n" + result.output +
                             "compose mode needs a Docker engine with the compose plugin; without one, use "
                             "--mode local or --mode real");
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
    const std::string project = context.compose_project();
    const fs::path run_dir = context.run_dir;
    RunningService running;
    running.entry.url = url;
    running.entry.implementation = "container";
    running.entry.url_inside = url_inside;  // how the other containers reach it
    if (prepare) prepare(context, running);
    compose(project, run_dir, {"up", "--detach", "--wait", "--no-deps", service}, context.ready_timeout(300s));
    running.stop = [service, project, run_dir] {
      try {
        compose(project, run_dir, {"rm", "--stop", "--force", "--volumes", service}, 120s);
      } catch (const std::exception&) {
        // Already gone, or the engine went away: nothing left to stop here.
      }
    };
    if (finish) {
      try {
        finish(context, running);
      } catch (...) {
        running.stop();  // it was started: nobody else will remove it
        throw;
      }
    }
    running.took =
        std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - started);
    return running;
  };
}

void prepare_vault_container(StackContext& context, RunningService&) {
  // Vault's container runs as the run directory's owner (compose.yaml), so its audit folder is
  // the owner's alone like the rest.
  create_private_directory(context.run_dir / "vault-audit");
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

}  // namespace mcph::harness
