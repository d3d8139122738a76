// The supervised stack's lifetimes: every way its owner can end (stop(), Ctrl-C, SIGKILL, ttl)
// leaves no process of the stack and no temporary directory, and the orderly stop revokes the
// dynamic PostgreSQL roles Vault handed out.
#include "mcph/harness/stack/supervised_stack.h"

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

#include "mcph/harness/stack/local_stack.h"
#include "mcph/harness/stack/process_state.h"
#include "mcph/harness/provision/provision.h"
#include "mcph/harness/stack/profile_provisioning.h"
#include "mcph/harness/stack/service_table.h"
#include "mcph/harness/stack/stack_tokens.h"
#include "mcph/http/client.h"
#include "mcph/http/server.h"
#include "mcph/http/url.h"
#include "mcph/codec/base64.h"
#include "mcph/mcp/client.h"
#include "mcph/oidc/token_client.h"
#include "mcph/postgres/server.h"
#include "mcph/proc/child_process.h"
#include "mcph/proc/poll_until.h"
#include "mcph/proc/listen_line.h"
#include "mcph/proc/free_port.h"
#include "mcph/proc/temp_dir.h"
#include "owner_support.h"

namespace mcph::harness::stack {
namespace {

using namespace testing;

namespace fs = std::filesystem;
using namespace std::chrono_literals;
using ::testing::HasSubstr;
using Json = nlohmann::json;

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

std::string jwt_subject(const std::string& jwt) {
  const auto first = jwt.find('.');
  const auto second = jwt.find('.', first + 1);
  const auto payload = codec::base64url_decode(jwt.substr(first + 1, second - first - 1));
  if (!payload) throw std::runtime_error("the access token's payload is not base64url");
  return Json::parse(*payload).at("sub").get<std::string>();
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
  for (const char* name : {"postgres", "keycloak", "vault", "jira-api", "github-api", "fault-proxy", "jira-mcp",
                           "github-mcp", "postgres-mcp"}) {
    EXPECT_GT(file.service(name).pid, 0) << name;
  }
  expect_all_alive(file);
  // postgres-mcp may keep every user's role logged in, the 130 the load family provisions
  // included (beyond its pool each call logs in anew, and under load that starves the stack),
  // within what the stack's PostgreSQL accepts.
  {
    const std::string command = read_file("/proc/" + std::to_string(file.service("postgres-mcp").pid) + "/cmdline");
    const std::string flag = std::string("--db-max-connections") + '\0';
    const auto at = command.find(flag);
    ASSERT_NE(at, std::string::npos) << "postgres-mcp was started without --db-max-connections";
    const int connections = std::stoi(command.substr(at + flag.size()));
    EXPECT_GE(connections, 130);
    EXPECT_LT(connections, postgres::kMaxConnections);
  }
  // The fault proxy fronts each service the MCP servers reach, forwarding to the service itself.
  {
    const auto listed = http::Client(file.service("fault-proxy").url).get("/proxies");
    ASSERT_EQ(listed.status, 200) << listed.body;
    const Json proxies = Json::parse(listed.body);
    for (const char* name : {"postgres", "keycloak", "vault", "jira-api", "github-api"}) {
      ASSERT_TRUE(proxies.contains(name)) << listed.body;
      EXPECT_TRUE(proxies[name]["enabled"].get<bool>()) << name;
      const std::string url = file.service(name).url;
      const std::string upstream = proxies[name]["upstream"];
      const bool forwards_to_it =
          url.find("@" + upstream + "/") != std::string::npos || url.find("//" + upstream) != std::string::npos;
      EXPECT_TRUE(forwards_to_it) << name << ": " << upstream << " is not the address of " << url;
    }
  }
  // The progress lines name each service with its ready time.
  for (const char* name : {"keycloak", "vault", "jira-api", "github-api", "fault-proxy", "jira-mcp", "github-mcp",
                           "postgres-mcp"}) {
    bool found = false;
    for (const auto& line : progress) found = found || line.find(std::string(name) + " ready at http://") != std::string::npos;
    EXPECT_TRUE(found) << "no ready line for " << name;
  }

  // Provisioning the running stack again through the public APIs changes nothing, and the users
  // are the ones the stack knows: the ids are the `sub` of each user's token and Vault's entity.
  const provision::ProvisionResult again = provision_stack(file, {});
  EXPECT_EQ(again.changes, 0);
  std::vector<std::string> names;
  for (const auto& user : again.users) {
    names.push_back(user.fixture.username);
    oidc::TokenClient tokens(file.service("keycloak").url + "/realms/" + file.realm, {"mcp-client", "mcp-client-secret"});
    EXPECT_EQ(jwt_subject(tokens.password_grant(user.fixture.username, user.fixture.password).access_token), user.id)
        << user.fixture.username;
    EXPECT_EQ(vault_get(file, "/v1/identity/entity/name/" + user.fixture.username)["data"]["id"], user.entity_id)
        << user.fixture.username;
  }
  EXPECT_THAT(names, ::testing::UnorderedElementsAre("alice", "bob", "carol"));
  // Vault audits traceparent in the clear: what the scenario runner correlates a step's entries by.
  EXPECT_EQ(vault_get(file, "/v1/sys/config/auditing/request-headers/traceparent")["data"]["traceparent"],
            (Json{{"hmac", false}}));
  const provision::ProvisionResult third = provision_stack(file, {});
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

// --no-fault-proxy (latency work): the supervisor gets it as a flag, starts no proxy, and the MCP
// servers are given each service's own address, through which a tool call works end to end.
TEST(SupervisedStackTest, StackWithoutFaultProxyWiresTheServersToTheServicesDirectly) {
  SupervisedStackOptions options;
  options.stack.fault_proxy = false;
  std::vector<std::string> progress;
  options.progress = [&](const std::string& line) { progress.push_back(line); };
  auto stack = SupervisedStack::start(options);
  const StackFile file = stack->stack();

  EXPECT_EQ(file.services.count("fault-proxy"), 0u);
  EXPECT_EQ(file.find_service("cognito"), nullptr);  // the identity provider this stack does not use
  for (const std::string& name : fault_proxy_targets()) {
    if (name == "cognito") continue;
    EXPECT_EQ(file.service(name).url_for_servers, "") << name << " is given to the servers through a proxy";
  }
  for (const char* name : {"jira-mcp", "github-mcp", "postgres-mcp"}) {
    EXPECT_THAT(file.service(name).mcp.behind_fault_proxy, ::testing::IsEmpty()) << name;
  }
  EXPECT_THAT(progress, ::testing::Contains(HasSubstr("fault-proxy: not started (--no-fault-proxy)")));

  mcp::Client github(file.service("github-mcp").url);
  github.set_header("Authorization", "Bearer " + user_access_token(file, {}, "alice", "alice123"));
  ASSERT_TRUE(github.connect().ok());
  const auto call = github.call_tool("list_repos", "{}");
  EXPECT_TRUE(call.ok()) << call.text();

  const StopReport report = stack->stop();
  EXPECT_TRUE(report.survivors.empty());
  EXPECT_THAT(survivors(file, 0ms), ::testing::IsEmpty());
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
  proc::poll_until([&] { return !supervisor.running(); }, kStopTimeout);
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

TEST(SupervisedStackTest, SigkilledOwnerStillRevokesDynamicDatabaseRoles) {
  expect_killed_owner_leaves_nothing_and_revokes_roles(StackMode::local);
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

// A run dir removed under a running stack (a test's temporary directory, deleted after its
// `down` failed) leaves nothing running: the supervisor finds its lock file unlinked and stops
// the stack, long before any ttl.
TEST(SupervisedStackTest, ARunDirRemovedUnderTheStackStopsIt) {
  SupervisedStackOptions options;
  options.ttl = 900s;
  auto stack = SupervisedStack::start(options);
  const StackFile file = stack->stack();
  ASSERT_TRUE(file.supervisor);
  std::ifstream log(file.supervisor->log);  // still readable once the run dir is gone
  ASSERT_TRUE(log.is_open());
  fs::remove_all(stack->run_dir());
  EXPECT_THAT(survivors(file), ::testing::IsEmpty());
  EXPECT_TRUE(wait_until_gone(file.supervisor->pid, kStopTimeout));
  const std::string said((std::istreambuf_iterator<char>(log)), std::istreambuf_iterator<char>());
  EXPECT_THAT(said, HasSubstr("supervisor: the run dir was removed, stopping the stack"));
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
}  // namespace mcph::harness::stack
