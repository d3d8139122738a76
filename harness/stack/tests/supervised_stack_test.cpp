// The supervised stack's lifetimes: every way its owner can end (stop(), Ctrl-C, SIGKILL, ttl)
// leaves no process of the stack and no temporary directory, and the orderly stop revokes the
// dynamic PostgreSQL roles Vault handed out.
#include "mcph/harness/supervised_stack.h"

#include <arpa/inet.h>
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <csignal>
#include <fstream>
#include <nlohmann/json.hpp>
#include <pqxx/pqxx>
#include <sstream>
#include <thread>

#include "mcph/harness/local_stack.h"
#include "mcph/harness/process_state.h"
#include "mcph/harness/provision.h"
#include "mcph/http/client.h"
#include "mcph/http/server.h"
#include "mcph/http/url.h"
#include "mcph/jose/base64url.h"
#include "mcph/oidc/token_client.h"
#include "mcph/postgres/server.h"
#include "mcph/proc/child_process.h"
#include "mcph/proc/listen_line.h"
#include "mcph/proc/free_port.h"
#include "mcph/proc/temp_dir.h"

namespace mcph::harness {
namespace {

namespace fs = std::filesystem;
using namespace std::chrono_literals;
using ::testing::HasSubstr;
using Json = nlohmann::json;

constexpr auto kStartTimeout = 180s;  // a whole stack on a busy 2-core machine
constexpr auto kStopTimeout = 60s;

std::string read_file(const fs::path& path) {
  std::ifstream in(path);
  std::stringstream buffer;
  buffer << in.rdbuf();
  return buffer.str();
}

// "name (pid N)" of every process the stack file names.
std::vector<std::pair<std::string, pid_t>> processes_of(const StackFile& stack) {
  std::vector<std::pair<std::string, pid_t>> out;
  if (stack.supervisor) out.emplace_back("supervisor", stack.supervisor->pid);
  for (const auto& [name, service] : stack.services) {
    if (service.pid > 0) out.emplace_back(name, service.pid);
  }
  return out;
}

// Waits (bounded) until none of them is alive; returns those still alive.
std::vector<std::string> survivors(const StackFile& stack, std::chrono::milliseconds timeout = kStopTimeout) {
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  std::vector<std::string> alive;
  for (const auto& [name, pid] : processes_of(stack)) {
    const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - std::chrono::steady_clock::now());
    if (!wait_until_gone(pid, std::max(left, 0ms))) alive.push_back(name + " (pid " + std::to_string(pid) + ")");
  }
  return alive;
}

bool wait_until_removed(const fs::path& path, std::chrono::milliseconds timeout) {
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  while (fs::exists(path)) {
    if (std::chrono::steady_clock::now() >= deadline) return false;
    std::this_thread::sleep_for(10ms);
  }
  return true;
}

bool accepts_connections(int port) {
  const int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_port = htons(static_cast<uint16_t>(port));
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  const bool connected = ::connect(fd, reinterpret_cast<sockaddr*>(&address), sizeof address) == 0;
  ::close(fd);
  return connected;
}

Json vault_get(const StackFile& stack, const std::string& path) {
  http::Client vault(stack.service("vault").url);
  const auto response = vault.get(path, {{"X-Vault-Token", stack.service("vault").get("token")}});
  if (response.status != 200) throw std::runtime_error("GET " + path + ": HTTP " + std::to_string(response.status));
  return Json::parse(response.body);
}

std::string jwt_subject(const std::string& jwt) {
  const auto first = jwt.find('.');
  const auto second = jwt.find('.', first + 1);
  const auto payload = jose::base64url_decode(jwt.substr(first + 1, second - first - 1));
  if (!payload) throw std::runtime_error("the access token's payload is not base64url");
  return Json::parse(*payload).at("sub").get<std::string>();
}

// The owner of an attached stack, in a process of its own.
struct Owner {
  proc::ChildProcess process;
  StackFile stack;
  fs::path stack_file;
};

Owner start_owner(std::vector<std::string> args = {}) {
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

TEST(SupervisedStackTest, AttachedStackIsReadyProvisionedIdempotentlyAndStopsCleanly) {
  std::vector<std::string> progress;
  SupervisedStackOptions options;
  options.progress = [&](const std::string& line) { progress.push_back(line); };
  auto stack = SupervisedStack::start(options);
  const StackFile file = stack->stack();
  const fs::path run_dir = stack->run_dir();

  ASSERT_TRUE(file.supervisor.has_value());
  EXPECT_EQ(file.supervisor->pid, stack->supervisor_pid());
  EXPECT_TRUE(file.supervisor->removes_run_dir);
  EXPECT_EQ(file.supervisor->log, (run_dir / "supervisor.log").string());
  EXPECT_EQ(stack->stack_file(), run_dir / "stack.json");
  EXPECT_EQ(file.to_json(), read_file(stack->stack_file()));
  EXPECT_EQ(run_dir.parent_path(), fs::temp_directory_path());
  for (const char* name : {"postgres", "keycloak", "vault", "jira-api", "github-api", "jira-mcp", "github-mcp",
                           "postgres-mcp"}) {
    EXPECT_GT(file.service(name).pid, 0) << name;
  }
  expect_all_alive(file);
  // The progress lines name each service with its ready time.
  for (const char* name : {"keycloak", "vault", "jira-api", "github-api", "jira-mcp", "github-mcp", "postgres-mcp"}) {
    bool found = false;
    for (const auto& line : progress) found = found || line.find(std::string(name) + " ready at http://") != std::string::npos;
    EXPECT_TRUE(found) << "no ready line for " << name;
  }

  // Provisioning the running stack again through the public APIs changes nothing, and the users
  // are the ones the stack knows: the ids are the `sub` of each user's token and Vault's entity.
  ProvisionTarget target;
  target.keycloak_url = file.service("keycloak").url;
  target.vault_url = file.service("vault").url;
  target.vault_token = file.service("vault").get("token");
  target.postgres_url = file.service("postgres").url;
  const ProvisionResult again = provision(target, {});
  EXPECT_EQ(again.changes, 0);
  std::vector<std::string> names;
  for (const auto& user : again.users) {
    names.push_back(user.fixture.username);
    oidc::TokenClient tokens(target.keycloak_url + "/realms/" + file.realm, {"mcp-client", "mcp-client-secret"});
    EXPECT_EQ(jwt_subject(tokens.password_grant(user.fixture.username, user.fixture.password).access_token), user.id)
        << user.fixture.username;
    EXPECT_EQ(vault_get(file, "/v1/identity/entity/name/" + user.fixture.username)["data"]["id"], user.entity_id)
        << user.fixture.username;
  }
  EXPECT_THAT(names, ::testing::UnorderedElementsAre("alice", "bob", "carol"));
  const ProvisionResult third = provision(target, {});
  EXPECT_EQ(third.changes, 0);
  ASSERT_EQ(third.users.size(), again.users.size());
  for (std::size_t i = 0; i < third.users.size(); ++i) {
    EXPECT_EQ(third.users[i].id, again.users[i].id);
    EXPECT_EQ(third.users[i].entity_id, again.users[i].entity_id);
  }

  const StopReport report = stack->stop();
  EXPECT_TRUE(report.was_running);
  EXPECT_FALSE(report.forced);
  EXPECT_TRUE(report.survivors.empty());
  EXPECT_THAT(survivors(file, 0ms), ::testing::IsEmpty());
  EXPECT_FALSE(fs::exists(run_dir)) << run_dir;
  EXPECT_FALSE(stack->stop().was_running);  // idempotent
}

TEST(SupervisedStackTest, SigintToAForegroundSupervisorStopsEverything) {
  proc::SpawnOptions spawn;
  spawn.name = "supervise";
  spawn.argv = {MCPH_HARNESS_BINARY, "supervise"};  // no --run-dir: a temporary one
  proc::ChildProcess supervisor = proc::ChildProcess::spawn(spawn);
  const std::string ready =
      supervisor.wait_for_line([](std::string_view l) { return l.rfind("stack ready ", 0) == 0; }, kStartTimeout);
  const fs::path stack_file = ready.substr(std::string("stack ready ").size());
  const StackFile file = StackFile::load(stack_file);
  ASSERT_TRUE(file.supervisor.has_value());
  EXPECT_EQ(file.supervisor->pid, supervisor.pid());
  expect_all_alive(file);

  ASSERT_EQ(::kill(supervisor.pid(), SIGINT), 0);  // what Ctrl-C in its terminal does
  const auto deadline = std::chrono::steady_clock::now() + kStopTimeout;
  while (supervisor.running() && std::chrono::steady_clock::now() < deadline) std::this_thread::sleep_for(10ms);
  ASSERT_FALSE(supervisor.running()) << supervisor.last_log_lines();
  const int status = supervisor.stop();
  EXPECT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0) << supervisor.last_log_lines();
  const std::string log = supervisor.last_log_lines(5);
  EXPECT_THAT(log, HasSubstr("SIGINT, stopping the stack"));
  EXPECT_THAT(log, HasSubstr("stack stopped in"));
  EXPECT_THAT(survivors(file, 0ms), ::testing::IsEmpty());
  EXPECT_FALSE(fs::exists(stack_file.parent_path())) << stack_file.parent_path();
}

TEST(SupervisedStackTest, SigkilledOwnerLeavesNoProcessAndNoTempDir) {
  Owner owner = start_owner();
  const fs::path run_dir = owner.stack_file.parent_path();
  ASSERT_TRUE(fs::exists(run_dir));
  ASSERT_TRUE(owner.stack.supervisor.has_value());
  EXPECT_TRUE(owner.stack.supervisor->removes_run_dir);
  expect_all_alive(owner.stack);

  ASSERT_EQ(::kill(owner.process.pid(), SIGKILL), 0);
  owner.process.stop(0ms);  // reaps it: its death sent the supervisor SIGTERM
  EXPECT_THAT(survivors(owner.stack), ::testing::IsEmpty());
  EXPECT_TRUE(wait_until_removed(run_dir, kStopTimeout)) << run_dir;
}

// The owner is SIGKILLed while alice holds a dynamic PostgreSQL role from Vault. The proof that
// the orderly stop revoked it: mock-vault's log reports the revocation at shutdown, and
// PostgreSQL, started again on the same cluster afterwards, has no such role (nor any other
// Vault-made one). The run directory is ours so that the cluster and the logs survive the stop.
TEST(SupervisedStackTest, SigkilledOwnerStillRevokesDynamicDatabaseRoles) {
  proc::TempDir dir("mcph-stack-test");
  // PostgreSQL (the postgres user, under root) must be able to pass through to the run dir.
  fs::permissions(dir.path(), fs::perms::others_exec, fs::perm_options::add);
  const fs::path run_dir = dir.path() / "stack";
  Owner owner = start_owner({"--run-dir", run_dir.string()});
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
  const std::string vault_log = read_file(run_dir / "vault.log");
  EXPECT_THAT(vault_log, HasSubstr("revoked 1 outstanding lease(s) on shutdown"));
  EXPECT_THAT(vault_log, ::testing::Not(HasSubstr("revoking lease")));  // "revoking lease … failed"

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

TEST(SupervisedStackTest, DetachedStackOutlivesItsOwnerUntilStopped) {
  Owner owner = start_owner({"--detached"});
  const pid_t supervisor = owner.stack.supervisor->pid;
  EXPECT_EQ(::getsid(supervisor), supervisor);  // a session of its own
  ASSERT_EQ(::kill(owner.process.pid(), SIGKILL), 0);
  owner.process.stop(0ms);

  // An attached supervisor would be stopping by now (the death signal is sent as the owner
  // dies). A detached one keeps serving.
  std::this_thread::sleep_for(500ms);
  expect_all_alive(owner.stack);
  http::Client jira_mcp(http::parse_url(owner.stack.service("jira-mcp").url).origin());
  EXPECT_EQ(jira_mcp.get("/health").status, 200);
  EXPECT_THAT(read_file(owner.stack.supervisor->log), ::testing::Not(HasSubstr("stopping")));

  const StopReport report = SupervisedStack::attach(owner.stack_file)->stop();
  EXPECT_TRUE(report.was_running);
  EXPECT_FALSE(report.forced);
  EXPECT_THAT(survivors(owner.stack, 0ms), ::testing::IsEmpty());
  EXPECT_FALSE(fs::exists(owner.stack_file.parent_path()));
}

TEST(SupervisedStackTest, TtlStopsTheStackByItself) {
  SupervisedStackOptions options;
  options.ttl = 1s;
  auto stack = SupervisedStack::start(options);
  const StackFile file = stack->stack();
  EXPECT_THAT(survivors(file), ::testing::IsEmpty());  // waits for the ttl and the stop
  EXPECT_TRUE(wait_until_removed(stack->run_dir(), kStopTimeout));
  EXPECT_FALSE(stack->stop().was_running);
}

TEST(SupervisedStackTest, FailingServiceIsNamedWithItsLogAndNothingIsLeft) {
  // The real binaries, except a mock-vault that fails the way a broken one would.
  proc::TempDir bin("mcph-bin");
  for (const char* name : {"mock-keycloak", "mock-jira", "mock-github", "jira-mcp", "github-mcp", "postgres-mcp"}) {
    fs::create_symlink(service_binary(name), bin.path() / name);
  }
  {
    std::ofstream script(bin.path() / "mock-vault");
    script << "#!/bin/sh\necho 'mock-vault: cannot open the audit log (simulated failure)' >&2\nexit 3\n";
  }
  fs::permissions(bin.path() / "mock-vault", fs::perms::owner_all);

  proc::TempDir dir("mcph-stack-test");
  SupervisedStackOptions options;
  options.stack.run_dir = dir.path();
  options.env = {{"MCPH_BIN_DIR", bin.path().string()}};
  try {
    SupervisedStack::start(options);
    FAIL() << "the stack came up with a broken mock-vault";
  } catch (const std::runtime_error& e) {
    EXPECT_THAT(e.what(), HasSubstr("vault exited with status 3 before it was ready"));
    EXPECT_THAT(e.what(), HasSubstr("| mock-vault: cannot open the audit log (simulated failure)"));
  }
  EXPECT_FALSE(fs::exists(dir.path() / "stack.json"));
  EXPECT_FALSE(supervisor_running_in(dir.path()));
  // What had started before mock-vault (PostgreSQL, mock-keycloak) is stopped again.
  const std::string keycloak_log = read_file(dir.path() / "keycloak.log");
  const auto keycloak = proc::parse_listen_line(keycloak_log.substr(0, keycloak_log.find('\n')));
  ASSERT_TRUE(keycloak.has_value());
  EXPECT_FALSE(accepts_connections(http::parse_url(*keycloak).port));
  const std::string postgres_log = read_file(dir.path() / "postgres.log");
  EXPECT_THAT(postgres_log, HasSubstr("database system is shut down"));
}

}  // namespace
}  // namespace mcph::harness
