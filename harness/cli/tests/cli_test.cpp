// mcp-harness up / status / down as a user runs them: separate processes, a detached stack.
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <sys/wait.h>
#include <unistd.h>

#include <csignal>
#include <fstream>
#include <sstream>
#include <thread>

#include "mcph/harness/stack/local_stack.h"
#include "mcph/harness/stack/process_state.h"
#include "mcph/harness/stack/supervised_stack.h"
#include "mcph/proc/child_process.h"
#include "mcph/proc/poll_until.h"
#include "mcph/proc/temp_dir.h"

namespace mcph::harness::cli {
namespace {

namespace fs = std::filesystem;
using namespace std::chrono_literals;
using ::testing::HasSubstr;
using ::testing::Not;

proc::CommandResult harness(std::vector<std::string> args, std::vector<std::pair<std::string, std::string>> env = {},
                            std::chrono::milliseconds timeout = 240s) {
  proc::SpawnOptions spawn;
  spawn.name = "mcp-harness";
  spawn.argv = {MCPH_HARNESS_BINARY};
  spawn.argv.insert(spawn.argv.end(), args.begin(), args.end());
  spawn.env = std::move(env);
  return proc::run_command(spawn, timeout);
}

std::string read_file(const fs::path& path) {
  std::ifstream in(path);
  std::stringstream buffer;
  buffer << in.rdbuf();
  return buffer.str();
}

// The command line of a process, arguments separated by spaces.
std::string command_line(pid_t pid) {
  std::string text = read_file("/proc/" + std::to_string(pid) + "/cmdline");
  for (char& c : text) c = c == '\0' ? ' ' : c;
  return text;
}

// Stops a stack left running by a failed assertion (the tests also give it a ttl).
struct StackCleanup {
  fs::path stack_file;
  ~StackCleanup() {
    try {
      if (fs::exists(stack_file)) stack::SupervisedStack::attach(stack_file)->stop();
    } catch (...) {
    }
  }
};

// `up` in a run directory PostgreSQL can reach, caught while it starts PostgreSQL (no stack file
// yet); a stack it leaves is stopped with the test.
struct StartingStack {
  proc::TempDir dir{"mcph-cli-test"};
  fs::path run_dir = [this] {
    fs::permissions(dir.path(), fs::perms::others_exec, fs::perm_options::add);
    return dir.path() / "run";
  }();
  StackCleanup cleanup{run_dir / "stack.json"};
  proc::ChildProcess up = [this] {
    proc::SpawnOptions spawn;
    spawn.name = "mcp-harness-up";
    spawn.argv = {MCPH_HARNESS_BINARY, "up", "--run-dir", run_dir.string(), "--ttl", "600"};
    proc::ChildProcess started = proc::ChildProcess::spawn(spawn);
    started.wait_for_line([](std::string_view line) { return line.find("postgres: starting") != std::string_view::npos; },
                          120s);
    return started;
  }();
};

TEST(CliTest, HelpListsTheCommandsAndBadUsageExits2) {
  const auto help = harness({"--help"});
  EXPECT_EQ(help.exit_code, 0);
  EXPECT_THAT(help.output, HasSubstr("  up "));
  EXPECT_THAT(help.output, HasSubstr("  status "));
  EXPECT_THAT(help.output, HasSubstr("  down "));
  EXPECT_THAT(help.output, Not(HasSubstr("supervise")));  // internal

  const auto up_help = harness({"up", "--help"});
  EXPECT_EQ(up_help.exit_code, 0);
  for (const char* flag : {"--run-dir VALUE", "--users VALUE", "--rate-limit VALUE", "--rate-window-ms VALUE",
                           "--ttl VALUE"}) {
    EXPECT_THAT(up_help.output, HasSubstr(flag));
  }
  EXPECT_THAT(up_help.output, HasSubstr("[default: 20]"));
  EXPECT_THAT(up_help.output, HasSubstr("[default: .mcp-harness]"));
  EXPECT_EQ(harness({"supervise", "--help"}).exit_code, 0);

  const auto version = harness({"--version"});
  EXPECT_EQ(version.exit_code, 0);
  EXPECT_THAT(version.output, testing::MatchesRegex("mcp-harness [0-9]+\\.[0-9]+\\.[0-9]+\n"));

  const auto none = harness({});
  EXPECT_EQ(none.exit_code, 2);
  EXPECT_THAT(none.output, HasSubstr("Usage: mcp-harness <command>"));
  const auto unknown = harness({"frobnicate"});
  EXPECT_EQ(unknown.exit_code, 2);
  EXPECT_THAT(unknown.output, HasSubstr("mcp-harness: unknown command 'frobnicate'"));
  const auto bad_flag = harness({"up", "--bogus"});
  EXPECT_EQ(bad_flag.exit_code, 2);
  EXPECT_THAT(bad_flag.output, HasSubstr("mcp-harness up: unknown flag --bogus"));
  const auto negative = harness({"up", "--users", "-1"});
  EXPECT_EQ(negative.exit_code, 2);
  EXPECT_THAT(negative.output, HasSubstr("--users must be between 0 and 10000"));
  const auto both = harness({"status", "--stack", "a.json", "--run-dir", "b"});
  EXPECT_EQ(both.exit_code, 2);
  EXPECT_THAT(both.output, HasSubstr("give --stack or --run-dir, not both"));
  EXPECT_EQ(harness({"down", "--grace-s", "soon"}).exit_code, 2);
}

TEST(CliTest, UpStatusDownLeaveNothingRunning) {
  proc::TempDir dir("mcph-cli-test");
  // PostgreSQL (the postgres user, under root) must be able to pass through to the run dir.
  fs::permissions(dir.path(), fs::perms::others_exec, fs::perm_options::add);
  const fs::path run_dir = dir.path() / "run";
  const fs::path stack_file = run_dir / "stack.json";
  StackCleanup cleanup{stack_file};

  const auto up = harness({"up", "--run-dir", run_dir.string(), "--ttl", "600"});
  ASSERT_EQ(up.exit_code, 0) << up.output;
  for (const char* name : {"keycloak", "vault", "jira-api", "github-api", "fault-proxy", "jira-mcp", "github-mcp",
                           "postgres-mcp"}) {
    EXPECT_THAT(up.output, HasSubstr(std::string(name) + " ready at http://127.0.0.1:")) << name;
  }
  EXPECT_THAT(up.output, HasSubstr("stack file: " + stack_file.string()));
  // Provisioning's items only with --verbose: a line counts them.
  EXPECT_THAT(up.output, HasSubstr("provisioned; --verbose lists them)"));
  EXPECT_THAT(up.output, Not(HasSubstr("+ user alice")));
  const stack::StackFile stack = stack::StackFile::load(stack_file);
  ASSERT_TRUE(stack.supervisor.has_value());
  EXPECT_FALSE(stack.supervisor->removes_run_dir);
  // Vault's root token, the admin's password and the users' credentials: their owner's alone.
  const auto owner_only = fs::perms::owner_read | fs::perms::owner_write;
  for (const char* file : {"stack.json", "secrets.json", "supervisor.log"}) {
    EXPECT_EQ(fs::status(run_dir / file).permissions(), owner_only) << file;
  }
  for (const auto& [name, service] : stack.services) {
    if (!service.log.empty()) {
      EXPECT_EQ(fs::status(service.log).permissions(), owner_only) << service.log;
    }
  }
  EXPECT_EQ(stack.supervisor->log, (run_dir / "supervisor.log").string());
  EXPECT_EQ(::getsid(stack.supervisor->pid), stack.supervisor->pid);  // detached: a session of its own
  EXPECT_TRUE(stack::process_alive(stack.supervisor->pid));  // it outlived `up`
  // Where a user's own servers must point to be behind the fault proxy, in one line.
  EXPECT_THAT(up.output, HasSubstr("to put your own MCP servers behind the fault proxy, point them at: postgres "
                                   "postgresql://127.0.0.1:"));
  EXPECT_THAT(up.output, HasSubstr(", vault " + stack.service("vault").url_for_servers + ", jira-api http://127.0.0.1:"));
  // up's documented rate-limit default reached the MCP servers.
  for (const char* name : {"jira-mcp", "github-mcp", "postgres-mcp"}) {
    EXPECT_THAT(command_line(stack.service(name).pid), HasSubstr("--rate-limit 20 --rate-window-ms 1000")) << name;
  }

  const auto again = harness({"up", "--run-dir", run_dir.string()});
  EXPECT_EQ(again.exit_code, 1);
  EXPECT_THAT(again.output, HasSubstr("a stack is already running in " + run_dir.string()));
  EXPECT_THAT(again.output, HasSubstr("supervisor pid " + std::to_string(stack.supervisor->pid)));
  EXPECT_EQ(stack::StackFile::load(stack_file).to_json(), stack.to_json());  // untouched

  const auto status = harness({"status", "--run-dir", run_dir.string()});
  EXPECT_EQ(status.exit_code, 0) << status.output;
  // The nine of every stack, the agents' bridge, and its TLS proxy where nginx is installed.
  EXPECT_GE(stack.services.size(), 10u);
  EXPECT_THAT(status.output, HasSubstr("all " + std::to_string(stack.services.size()) + " services up"));
  EXPECT_THAT(status.output, HasSubstr("HTTP 200 from GET /health"));
  EXPECT_THAT(status.output, HasSubstr("HTTP 200 from GET /v1/sys/health"));
  EXPECT_THAT(status.output, HasSubstr("postgresql://postgres:****@127.0.0.1:"));
  EXPECT_THAT(status.output, Not(HasSubstr(":postgres@")));

  // The same services described by hand as an external stack: no pids, one legacy transport.
  const fs::path external = dir.path() / "external.json";
  {
    const std::string jira_origin = stack.service("jira-mcp").url.substr(0, stack.service("jira-mcp").url.rfind('/'));
    std::ofstream(external) << R"({"mode": "external", "services": {)"
                            << R"("keycloak": {"url": ")" << stack.service("keycloak").url << R"("},)"
                            << R"("vault": {"url": ")" << stack.service("vault").url << R"(", "token": "root-token"},)"
                            << R"("postgres": {"url": ")" << stack.service("postgres").url << R"("},)"
                            << R"("jira-mcp": {"url": ")" << jira_origin << R"(/sse", "transport": "legacy-sse-post"}}})";
  }
  const auto external_status = harness({"status", "--stack", external.string()});
  EXPECT_EQ(external_status.exit_code, 0) << external_status.output;
  EXPECT_THAT(external_status.output, HasSubstr("all 4 services up"));

  const auto down = harness({"down", "--run-dir", run_dir.string()});
  EXPECT_EQ(down.exit_code, 0) << down.output;
  EXPECT_THAT(down.output, HasSubstr("stopped: supervisor (pid " + std::to_string(stack.supervisor->pid) + ")"));
  EXPECT_THAT(down.output, HasSubstr("postgres (pid " + std::to_string(stack.service("postgres").pid) + ")"));
  EXPECT_FALSE(stack::process_alive(stack.supervisor->pid));
  for (const auto& [name, service] : stack.services) EXPECT_FALSE(stack::process_alive(service.pid)) << name;
  EXPECT_FALSE(fs::exists(stack_file));
  const std::string supervisor_log = read_file(run_dir / "supervisor.log");
  EXPECT_THAT(supervisor_log, HasSubstr("SIGTERM, stopping the stack"));
  EXPECT_THAT(supervisor_log, HasSubstr("stack stopped in"));

  const auto down_again = harness({"down", "--run-dir", run_dir.string()});
  EXPECT_EQ(down_again.exit_code, 0);
  EXPECT_THAT(down_again.output, HasSubstr("nothing to stop"));
  // --purge: the stack's data goes, and the run directory with it when nothing else is there.
  ASSERT_TRUE(fs::exists(run_dir / "supervisor.log"));
  const auto purge = harness({"down", "--run-dir", run_dir.string(), "--purge"});
  EXPECT_EQ(purge.exit_code, 0) << purge.output;
  EXPECT_THAT(purge.output, HasSubstr("supervisor.log"));
  EXPECT_FALSE(fs::exists(run_dir)) << purge.output;
  const auto status_after = harness({"status", "--run-dir", run_dir.string()});
  EXPECT_EQ(status_after.exit_code, 1);
  EXPECT_THAT(status_after.output, HasSubstr("no stack file at " + stack_file.string()));
  const auto external_after = harness({"status", "--stack", external.string(), "--timeout-ms", "500"});
  EXPECT_EQ(external_after.exit_code, 1);
  EXPECT_THAT(external_after.output, HasSubstr("not up: postgres, keycloak, vault, jira-mcp"));
  const auto external_down = harness({"down", "--stack", external.string()});
  EXPECT_EQ(external_down.exit_code, 0);
  EXPECT_THAT(external_down.output, HasSubstr("nothing stopped"));
  EXPECT_TRUE(fs::exists(external));  // a user's file is not ours to remove
  const auto external_purge = harness({"down", "--stack", external.string(), "--purge"});
  EXPECT_EQ(external_purge.exit_code, 0) << external_purge.output;
  EXPECT_THAT(external_purge.output, HasSubstr("nothing purged"));
  EXPECT_TRUE(fs::exists(external));
}

TEST(CliTest, CtrlCDuringUpStopsTheHalfStartedStack) {
  StartingStack starting;
  const fs::path& run_dir = starting.run_dir;
  proc::ChildProcess& up = starting.up;
  ASSERT_TRUE(stack::supervisor_running_in(run_dir));
  ASSERT_EQ(::kill(up.pid(), SIGINT), 0);
  proc::poll_until([&] { return !up.running(); }, 120s);
  const int status = up.stop();
  EXPECT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 130) << up.last_log_lines();
  EXPECT_THAT(up.last_log_lines(), HasSubstr("interrupted: the start was cancelled"));
  EXPECT_FALSE(stack::supervisor_running_in(run_dir));
  EXPECT_FALSE(fs::exists(run_dir / "stack.json"));
  EXPECT_THAT(read_file(run_dir / "supervisor.log"), HasSubstr("SIGTERM during the start; stopping"));
  EXPECT_THAT(read_file(run_dir / "postgres.log"), HasSubstr("database system is shut down"));
}

// `down` while `up` is still starting the stack (no stack file yet): the supervisor is found by
// its lock, stops what it started once its start is done, and no stack is left up.
TEST(CliTest, DownDuringTheStartStopsTheStackOnceItIsUp) {
  StartingStack starting;
  const fs::path& run_dir = starting.run_dir;
  proc::ChildProcess& up = starting.up;
  ASSERT_FALSE(fs::exists(run_dir / "stack.json"));
  const std::optional<int> supervisor = stack::supervisor_pid_in(run_dir);
  ASSERT_TRUE(supervisor.has_value());

  const auto down = harness({"down", "--run-dir", run_dir.string()});
  EXPECT_EQ(down.exit_code, 0) << down.output;
  EXPECT_THAT(down.output, HasSubstr("is still starting (supervisor pid " + std::to_string(*supervisor) + ")"));
  EXPECT_THAT(down.output, HasSubstr("stopped the stack that was starting in " + run_dir.string()));
  EXPECT_FALSE(stack::supervisor_running_in(run_dir));
  EXPECT_FALSE(stack::process_alive(*supervisor));
  EXPECT_FALSE(fs::exists(run_dir / "stack.json"));
  EXPECT_THAT(read_file(run_dir / "supervisor.log"), HasSubstr("SIGTERM"));
  EXPECT_THAT(read_file(run_dir / "postgres.log"), HasSubstr("database system is shut down"));
  // `up` learns that its stack stopped instead of coming up, and ends.
  proc::poll_until([&] { return !up.running(); }, 60s);
  const int status = up.stop();
  EXPECT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) != 0) << up.last_log_lines();
  EXPECT_FALSE(stack::supervisor_pid_in(run_dir).has_value());
}

TEST(CliTest, UpExplainsARunDirPostgresCannotReach) {
  if (::geteuid() != 0) GTEST_SKIP() << "only root runs PostgreSQL as another user";
  proc::TempDir dir("mcph-cli-test");  // mode 0700: the postgres user cannot pass
  const auto up = harness({"up", "--run-dir", (dir.path() / "run").string()});
  EXPECT_EQ(up.exit_code, 1);
  EXPECT_THAT(up.output, HasSubstr("PostgreSQL runs as the postgres user, which cannot enter " + dir.path().string()));
  EXPECT_FALSE(stack::supervisor_running_in(dir.path() / "run"));
}

TEST(CliTest, UpNamesTheFailingServiceAndLeavesNothingRunning) {
  // The real binaries, except a jira-mcp that fails the way a broken one would (after the
  // mocks are up and the stack is provisioned).
  proc::TempDir bin("mcph-bin");
  for (const char* name : {"mock-keycloak", "mock-vault", "mock-jira", "mock-github", "mock-spiffe", "mcp-fault-proxy",
                           "github-mcp", "postgres-mcp"}) {
    fs::create_symlink(stack::service_binary(name), bin.path() / name);
  }
  {
    std::ofstream script(bin.path() / "jira-mcp");
    script << "#!/bin/sh\necho 'jira-mcp: --jira-url is unreachable (simulated failure)' >&2\nexit 3\n";
  }
  fs::permissions(bin.path() / "jira-mcp", fs::perms::owner_all);
  proc::TempDir dir("mcph-cli-test");
  StackCleanup cleanup{dir.path() / "stack.json"};

  const auto up = harness({"up", "--run-dir", dir.path().string(), "--ttl", "600"}, {{"MCPH_BIN_DIR", bin.path()}});
  EXPECT_EQ(up.exit_code, 1) << up.output;
  EXPECT_THAT(up.output, HasSubstr("the stack did not come up: jira-mcp exited with status 3 before it was ready"));
  EXPECT_THAT(up.output, HasSubstr("| jira-mcp: --jira-url is unreachable (simulated failure)"));
  EXPECT_FALSE(fs::exists(dir.path() / "stack.json"));
  EXPECT_FALSE(stack::supervisor_running_in(dir.path()));
  EXPECT_THAT(read_file(dir.path() / "postgres.log"), HasSubstr("database system is shut down"));
}

}  // namespace
}  // namespace mcph::harness::cli
