#include "owner_support.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <unistd.h>

#include <algorithm>
#include <csignal>
#include <fstream>
#include <pqxx/pqxx>
#include <sstream>

#include "mcph/harness/stack/process_state.h"
#include "mcph/harness/stack/supervised_stack.h"
#include "mcph/http/client.h"
#include "mcph/postgres/server.h"
#include "mcph/proc/free_port.h"
#include "mcph/proc/poll_until.h"
#include "mcph/proc/temp_dir.h"

namespace mcph::harness::stack::testing {

namespace fs = std::filesystem;
using ::testing::HasSubstr;
using Json = nlohmann::json;

std::string read_file(const fs::path& path) {
  std::ifstream in(path);
  std::stringstream buffer;
  buffer << in.rdbuf();
  return buffer.str();
}

std::vector<std::pair<std::string, pid_t>> processes_of(const StackFile& stack) {
  std::vector<std::pair<std::string, pid_t>> out;
  if (stack.supervisor) out.emplace_back("supervisor", stack.supervisor->pid);
  for (const auto& [name, service] : stack.services) {
    if (service.pid > 0) out.emplace_back(name, service.pid);
  }
  return out;
}

std::vector<std::string> survivors(const StackFile& stack, std::chrono::milliseconds timeout) {
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  std::vector<std::string> alive;
  for (const auto& [name, pid] : processes_of(stack)) {
    const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - std::chrono::steady_clock::now());
    if (!wait_until_gone(pid, std::max(left, 0ms))) alive.push_back(name + " (pid " + std::to_string(pid) + ")");
  }
  return alive;
}

bool wait_until_removed(const fs::path& path, std::chrono::milliseconds timeout) {
  return proc::poll_until([&] { return !fs::exists(path); }, timeout);
}

std::vector<std::string> processes_naming(const fs::path& path) {
  std::vector<std::string> found;
  for (const auto& entry : fs::directory_iterator("/proc")) {
    const std::string pid = entry.path().filename();
    if (pid.find_first_not_of("0123456789") != std::string::npos || std::stoi(pid) == ::getpid()) continue;
    std::string cmdline = read_file(entry.path() / "cmdline");
    std::replace(cmdline.begin(), cmdline.end(), '\0', ' ');
    if (cmdline.find(path.string()) != std::string::npos && process_alive(std::stoi(pid))) {
      found.push_back(pid + ": " + cmdline.substr(0, 200));
    }
  }
  return found;
}

Json vault_get(const StackFile& stack, const std::string& path) {
  http::Client vault(stack.service("vault").url);
  const auto response = vault.get(path, {{"X-Vault-Token", stack.service("vault").vault.token}});
  if (response.status != 200) throw std::runtime_error("GET " + path + ": HTTP " + std::to_string(response.status));
  return Json::parse(response.body);
}


Owner start_owner(std::vector<std::string> args) {
  proc::SpawnOptions spawn;
  spawn.name = "stack_owner";
  spawn.argv = {MCPH_STACK_OWNER_BINARY};
  spawn.argv.insert(spawn.argv.end(), args.begin(), args.end());
  auto process = proc::ChildProcess::spawn(spawn);
  const std::string line =
      process.wait_for_line([](std::string_view l) { return l.rfind("owner ready ", 0) == 0; }, kStartTimeout);
  const fs::path stack_file = line.substr(std::string("owner ready ").size());
  StackFile stack = StackFile::load(stack_file);
  return Owner{std::move(process), std::move(stack), stack_file};
}

void expect_all_alive(const StackFile& stack) {
  for (const auto& [name, pid] : processes_of(stack)) EXPECT_TRUE(process_alive(pid)) << name << " pid " << pid;
}

// The proof that the orderly stop revoked alice's role (the stack revokes Vault's database leases
// before it stops Vault, which would lose them): PostgreSQL, started again on the same cluster
// afterwards, has no such role, nor any other Vault-made one. The run directory is ours so that
// the cluster and the logs survive the stop.
void expect_killed_owner_leaves_nothing_and_revokes_roles(StackMode mode) {
  proc::TempDir dir("mcph-stack-test");
  // PostgreSQL (the postgres user, under root) must be able to pass through to the run dir.
  fs::permissions(dir.path(), fs::perms::others_exec, fs::perm_options::add);
  const fs::path run_dir = dir.path() / "stack";
  Owner owner = start_owner({"--run-dir", run_dir.string(), "--mode", to_string(mode)});
  EXPECT_FALSE(owner.stack.supervisor->removes_run_dir);

  // A second stack in the same run directory is refused while this one runs.
  SupervisedStackOptions second;
  second.stack.run_dir = run_dir;
  try {
    SupervisedStack::start(second);
    ADD_FAILURE() << "a second stack started in " << run_dir;
  } catch (const std::runtime_error& e) {
    EXPECT_THAT(e.what(), HasSubstr("already running in " + run_dir.string()));
  }

  const Json creds = vault_get(owner.stack, "/v1/database/creds/alice");
  const std::string role = creds["data"]["username"];
  ASSERT_EQ(role.rfind("v-", 0), 0u) << role;
  {
    pqxx::connection connection(owner.stack.service("postgres").url);
    pqxx::nontransaction tx(connection);
    ASSERT_EQ(tx.exec("SELECT 1 FROM pg_roles WHERE rolname = " + tx.quote(role)).size(), 1u);
  }

  ASSERT_EQ(::kill(owner.process.pid(), SIGKILL), 0);
  owner.process.stop(0ms);
  ASSERT_THAT(survivors(owner.stack), ::testing::IsEmpty());
  EXPECT_FALSE(fs::exists(owner.stack_file));  // the supervisor removed it after the stop

  const std::string supervisor_log = read_file(run_dir / "supervisor.log");
  EXPECT_THAT(supervisor_log, HasSubstr("SIGTERM, stopping the stack"));  // the owner's death
  EXPECT_THAT(supervisor_log, HasSubstr("stack stopped in"));
  EXPECT_THAT(processes_naming(run_dir), ::testing::IsEmpty());  // a JVM's children included


  // PostgreSQL again, on the cluster the stack left behind.
  const int port = proc::free_loopback_port();
  proc::SpawnOptions restart;
  restart.name = "postgres-again";
  restart.run_as_user = "postgres";
  restart.stop_signal = SIGINT;
  restart.log_path = (dir.path() / "postgres-again.log").string();
  restart.argv = {postgres::find_bin_dir() + "/postgres", "-D", (run_dir / "postgres").string(), "-p",
                  std::to_string(port), "-c", "listen_addresses=127.0.0.1", "-c", "unix_socket_directories="};
  proc::ChildProcess postgres_again = proc::ChildProcess::spawn(restart);
  postgres_again.wait_for_line(
      [](std::string_view l) { return l.find("ready to accept connections") != std::string_view::npos; }, 60s);
  pqxx::connection connection("host=127.0.0.1 port=" + std::to_string(port) +
                              " user=postgres password=postgres dbname=mcp_demo");
  pqxx::nontransaction tx(connection);
  EXPECT_EQ(tx.exec("SELECT 1 FROM pg_roles WHERE rolname = " + tx.quote(role)).size(), 0u) << role;
  EXPECT_EQ(tx.exec("SELECT rolname FROM pg_roles WHERE rolname LIKE 'v-%'").size(), 0u);
}

}  // namespace mcph::harness::stack::testing
