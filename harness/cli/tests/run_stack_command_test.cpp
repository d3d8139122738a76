// mcp-harness run against a stack of its own (started and stopped by the command) or one
// `mcp-harness up` left running: Ctrl-C, provisioning, drift, `up`'s defaults.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <csignal>
#include <fstream>
#include <map>
#include <nlohmann/json.hpp>
#include <regex>
#include <thread>

#include "mcph/harness/provision/keycloak_admin.h"
#include "mcph/harness/stack/local_stack.h"
#include "mcph/harness/stack/process_state.h"
#include "mcph/harness/stack/stack_file.h"
#include "mcph/harness/stack/supervised_stack.h"
#include "mcph/http/client.h"
#include "mcph/vault/client.h"

#include "run_command_support.h"

namespace mcph::harness::cli {
namespace {

using namespace cli_test;
using namespace std::chrono_literals;
using Json = nlohmann::json;
using ::testing::HasSubstr;
using ::testing::IsEmpty;
using ::testing::Not;
using ::testing::StartsWith;

TEST(RunCommandTest, CtrlCDuringRunLeavesNoProcessAndNoRunDir) {
  const proc::TempDir dir = work_dir();
  proc::ChildProcess run = [&] {
    const DefaultSigint default_sigint;
    proc::SpawnOptions spawn;
    spawn.name = "mcp-harness-run";
    // token_expiry: its scenarios wait seconds for tokens to expire, so the signal lands mid-run.
    spawn.argv = {MCPH_HARNESS_BINARY, "run", "--family", "token_expiry", "--junit", "partial.xml"};
    spawn.working_dir = dir.path().string();
    return proc::ChildProcess::spawn(spawn);
  }();
  run.wait_for_line([](std::string_view line) { return line.rfind("== ", 0) == 0; }, 180s);
  const std::string log = read_file(run.log_path());
  std::smatch supervisor_line, stack_line;
  ASSERT_TRUE(std::regex_search(log, supervisor_line, std::regex(R"(supervisor: pid (\d+), run dir (\S+))"))) << log;
  ASSERT_TRUE(std::regex_search(log, stack_line, std::regex(R"(stack: up, stack file (\S+))"))) << log;
  const pid_t supervisor = std::stoi(supervisor_line[1].str());
  const fs::path run_dir = supervisor_line[2].str();
  const fs::path stack_file = stack_line[1].str();
  EXPECT_EQ(stack_file.parent_path(), run_dir);
  const stack::StackFile stack = stack::StackFile::load(stack_file);
  ASSERT_TRUE(stack.supervisor.has_value());
  EXPECT_EQ(stack.supervisor->pid, supervisor);
  EXPECT_TRUE(stack.supervisor->removes_run_dir);
  std::map<std::string, std::pair<pid_t, std::uint64_t>> processes;  // name → pid, start ticks
  processes["supervisor"] = {supervisor, stack::process_start_ticks(supervisor).value_or(0)};
  for (const auto& [name, service] : stack.services) {
    ASSERT_TRUE(stack::process_alive(service.pid)) << name;
    processes[name] = {service.pid, stack::process_start_ticks(service.pid).value_or(0)};
  }
  // Stops the stack should the command fail to (the handle does not stop it on its own).
  const auto leftover = stack::SupervisedStack::attach(stack_file);
  struct StopLeftover {
    stack::SupervisedStack& stack;
    ~StopLeftover() {
      if (stack.running()) stack.stop();
    }
  } stop_leftover{*leftover};

  // What a terminal's Ctrl-C does: SIGINT to the foreground process group.
  ASSERT_EQ(::kill(-run.pid(), SIGINT), 0);
  EXPECT_TRUE(wait_until([&] { return !run.running(); }, 60s)) << "mcp-harness run still runs after SIGINT";
  const int status = run.stop();
  EXPECT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 130) << "wait status " << status << "\n" << run.last_log_lines();
  // The scenario that was running finished; the others are in the report, skipped.
  const std::string junit = read_file(dir.path() / "partial.xml");
  EXPECT_THAT(junit, HasSubstr("not run: the run was interrupted")) << run.last_log_lines();
  EXPECT_THAT(junit, HasSubstr("<skipped"));

  for (const auto& [name, identity] : processes) {
    const auto process = identity;  // a lambda may not capture a structured binding (C++20)
    EXPECT_TRUE(wait_until([&] { return !stack::process_is(process.first, process.second); }, 60s))
        << name << " (pid " << process.first << ") outlived the interrupted run";
  }
  EXPECT_TRUE(wait_until([&] { return !fs::exists(run_dir); }, 30s)) << run_dir << " was not removed";
}

TEST(RunCommandTest, RunAgainstAnUpStackLeavesItRunning) {
  UpStack stack;
  ASSERT_EQ(stack.up.exit_code, 0) << stack.up.output;
  const stack::StackFile before = stack::StackFile::load(stack.stack_file);
  ASSERT_TRUE(before.supervisor.has_value());

  // "missing-credentials" names the family "missing credentials".
  const auto run = harness({"run", "--family", "missing-credentials", "--stack", stack.stack_file.string()},
                           stack.dir.path());
  EXPECT_EQ(run.exit_code, 0) << run.output;
  EXPECT_THAT(run.output, HasSubstr("stack: " + stack.stack_file.string() + " (local mode)"));
  EXPECT_THAT(run.output, Not(HasSubstr("starting a local stack")));
  EXPECT_THAT(run.output, Not(HasSubstr("stopping")));
  const std::size_t count = scenario_file("missing_credentials").scenarios.size();
  EXPECT_EQ(lines_starting_with(run.output, "[missing_credentials] ").size(), count) << run.output;

  EXPECT_TRUE(stack::process_is(before.supervisor->pid, before.supervisor->start_ticks));
  EXPECT_EQ(stack::StackFile::load(stack.stack_file).to_json(), before.to_json());  // untouched
  const auto status = harness({"status", "--run-dir", stack.run_dir.string()}, stack.dir.path());
  EXPECT_EQ(status.exit_code, 0) << status.output;
  EXPECT_THAT(status.output, HasSubstr("all " + std::to_string(before.services.size()) + " services up"));

  // --run-dir finds the same stack.
  const auto again = harness({"run", "--family", "isolation", "--run-dir", stack.run_dir.string()}, stack.dir.path());
  EXPECT_EQ(again.exit_code, 0) << again.output;
  EXPECT_TRUE(stack::process_is(before.supervisor->pid, before.supervisor->start_ticks));

  const auto down = harness({"down", "--run-dir", stack.run_dir.string()}, stack.dir.path());
  EXPECT_EQ(down.exit_code, 0) << down.output;
  EXPECT_FALSE(stack::process_alive(before.supervisor->pid));
  for (const auto& [name, service] : before.services) EXPECT_FALSE(stack::process_alive(service.pid)) << name;
}

// `up` then `run` runs every scenario file with up's defaults; a stack started without what a
// file needs makes its scenarios errors that name the need and the command that meets it,
// before any step runs (not "token endpoint answered 401" in step 1).
TEST(RunCommandTest, AStackWithoutWhatAFileNeedsNamesTheNeedAndTheCommand) {
  UpStack stack({"--users", "5", "--rate-limit", "0"});
  ASSERT_EQ(stack.up.exit_code, 0) << stack.up.output;
  const auto run = harness({"run", (fs::path(MCPH_SCENARIOS_DIR) / "dynamic_database.yaml").string(),
                            (fs::path(MCPH_SCENARIOS_DIR) / "rate_limit.yaml").string(), "--stack",
                            stack.stack_file.string()},
                           stack.dir.path());
  EXPECT_EQ(run.exit_code, 1) << run.output;
  EXPECT_THAT(run.output, HasSubstr("it needs generated users user0001–user0006, and this stack was provisioned "
                                    "with 5 (start a stack with `mcp-harness up --users 6` or more, up's default "
                                    "provisions 130; or add them to a stack `up` started with `mcp-harness run "
                                    "--provision`)"));
  EXPECT_THAT(run.output, HasSubstr("it needs MCP servers that limit each user to 20 calls per 1000 ms, and"));
  EXPECT_THAT(run.output, HasSubstr("limits nothing (start a stack with `mcp-harness up --rate-limit 20 "
                                    "--rate-window-ms 1000`, up's default)"));
  EXPECT_THAT(run.output, Not(HasSubstr("token endpoint answered")));
}

// `run --provision` gives a stack `up` started the generated users a file needs beyond its own:
// in Keycloak and Vault, and in the backends, which read the replaced secrets file again — the
// scenario's Jira call is made with the new user's own credential. The stack file then counts
// them, so the next run needs no --provision.
TEST(RunCommandTest, RunProvisionAddsTheGeneratedUsersAFileNeeds) {
  UpStack stack({"--users", "5", "--rate-limit", "0"});
  ASSERT_EQ(stack.up.exit_code, 0) << stack.up.output;
  const std::vector<std::string> disabled_user_case = {
      "run", (fs::path(MCPH_SCENARIOS_DIR) / "jwt_attacks.yaml").string(), "--scenario",
      "a disabled user's token is accepted by a server holding a session for the user, until its exp", "--stack",
      stack.stack_file.string()};
  const auto without = harness(disabled_user_case, stack.dir.path());
  EXPECT_EQ(without.exit_code, 1) << without.output;
  EXPECT_THAT(without.output, HasSubstr("it needs generated users user0001–user0012, and this stack was provisioned with 5"));
  EXPECT_EQ(stack::StackFile::load(stack.stack_file).generated_users, 5);

  auto with_provision = disabled_user_case;
  with_provision.push_back("--provision");
  const auto provisioned = harness(with_provision, stack.dir.path());
  EXPECT_EQ(provisioned.exit_code, 0) << provisioned.output << server_failures(stack.run_dir);
  EXPECT_THAT(provisioned.output, HasSubstr("adding generated users user0006–user0012 (the files to run need 12, the stack has 5)"));
  EXPECT_THAT(provisioned.output, HasSubstr("[stack_configuration] the stack is configured as its fixtures describe: passed"));
  EXPECT_THAT(provisioned.output, HasSubstr("2 scenarios: 2 passed"));
  EXPECT_EQ(stack::StackFile::load(stack.stack_file).generated_users, 12);
  EXPECT_TRUE(Json::parse(read_file(stack.run_dir / "secrets.json")).contains("user0012"));
  EXPECT_EQ(fs::status(stack.run_dir / "secrets.json").permissions() & fs::perms::all, fs::perms::owner_read | fs::perms::owner_write);

  const auto again = harness(disabled_user_case, stack.dir.path());
  EXPECT_EQ(again.exit_code, 0) << again.output;
  EXPECT_THAT(again.output, Not(HasSubstr("adding generated users")));
}

// A stack changed between `up` and `run` is reported as it is, never repaired: an extra policy
// on Vault's role, a policy's text, another user's subject on alice's entity. `--provision`
// writes the fixtures' configuration when asked, and the next run finds nothing.
TEST(RunCommandTest, RunNamesTheDriftOfAStackAndRepairsNothing) {
  UpStack stack({"--users", "2"});
  ASSERT_EQ(stack.up.exit_code, 0) << stack.up.output;
  const stack::StackFile file = stack::StackFile::load(stack.stack_file);
  vault::Client vault(file.service("vault").url);
  const std::string token = file.service("vault").vault.token;
  const auto write = [&](const std::string& path, const Json& body) {
    const auto response = vault.request("POST", path, token, body.dump());
    ASSERT_LT(response.status, 300) << path << ": " << response.body;
  };
  const auto read = [&](const std::string& path) { return Json::parse(vault.request("GET", path, token).body)["data"]; };
  Json role = read("auth/jwt/role/user");
  role["token_policies"] = Json::array({"user-secrets", "read-everything"});
  write("auth/jwt/role/user", role);
  write("sys/policies/acl/user-secrets", {{"policy", "path \"secret/*\" { capabilities = [\"read\"] }"}});
  const Json alice = read("identity/entity/name/alice");
  const Json bob = read("identity/entity/name/bob");
  const Json alias = bob["aliases"][0];
  // Vault takes one alias per mount on an entity: alice's own goes first.
  ASSERT_LT(vault.request("DELETE", "identity/entity-alias/id/" + alice["aliases"][0]["id"].get<std::string>(), token).status, 300);
  write("identity/entity-alias/id/" + alias["id"].get<std::string>(),
        {{"name", alias["name"]}, {"mount_accessor", alias["mount_accessor"]}, {"canonical_id", alice["id"]}});
  // In Keycloak: tokens that live an hour, and a user left disabled.
  const provision::ProvisionTarget target = stack::provision_target(file);
  provision::KeycloakAdmin keycloak(target.keycloak_url, target.keycloak_admin_user, target.keycloak_admin_password);
  keycloak.update_realm(target.realm, {{"accessTokenLifespan", 3600}});
  keycloak.set_user_enabled(target.realm, keycloak.find_user(target.realm, "carol")->value("id", ""), false);

  const auto run = harness({"run", "--family", "isolation", "--stack", stack.stack_file.string()}, stack.dir.path());
  EXPECT_EQ(run.exit_code, 1) << run.output;
  EXPECT_THAT(run.output, HasSubstr("failed: stack_configuration — the stack is configured as its fixtures describe"));
  EXPECT_THAT(run.output, HasSubstr(R"(token_policies: ["user-secrets"] expected, ["user-secrets","read-everything"] found)"));
  EXPECT_THAT(run.output, HasSubstr("Vault policy user-secrets"));
  EXPECT_THAT(run.output, HasSubstr("an alias on jwt/ for another subject (" + alias["name"].get<std::string>()));
  EXPECT_THAT(run.output, HasSubstr("Vault entity bob"));
  EXPECT_THAT(run.output, HasSubstr("no alias on jwt/ for the user's subject"));
  EXPECT_THAT(run.output, HasSubstr("Keycloak realm " + target.realm));
  EXPECT_THAT(run.output, HasSubstr("accessTokenLifespan: 300 expected, 3600 found"));
  EXPECT_THAT(run.output, HasSubstr("Keycloak user carol"));
  EXPECT_THAT(run.output, HasSubstr("enabled: true expected, false found"));
  EXPECT_EQ(read("auth/jwt/role/user")["token_policies"], (Json{"user-secrets", "read-everything"})) << "run repaired the role";

  // The operator moves bob's alias back and deletes the policy. --provision creates what is
  // missing (alice's alias, the policy) and leaves what differs (the role) as it is, so the check
  // still names it: provisioning hides nothing.
  write("identity/entity-alias/id/" + alias["id"].get<std::string>(),
        {{"name", alias["name"]}, {"mount_accessor", alias["mount_accessor"]}, {"canonical_id", bob["id"]}});
  ASSERT_LT(vault.request("DELETE", "sys/policies/acl/user-secrets", token).status, 300);
  const auto provisioned = harness({"run", "--family", "isolation", "--stack", stack.stack_file.string(), "--provision"},
                                   stack.dir.path());
  EXPECT_EQ(provisioned.exit_code, 1) << provisioned.output;
  EXPECT_THAT(provisioned.output, HasSubstr("changing nothing (--provision)"));
  EXPECT_THAT(provisioned.output, HasSubstr("stack: 2 object(s) created"));
  EXPECT_THAT(provisioned.output, HasSubstr("failed: stack_configuration"));
  EXPECT_THAT(provisioned.output, HasSubstr(R"(token_policies: ["user-secrets"] expected, ["user-secrets","read-everything"] found)"));
  EXPECT_THAT(provisioned.output, Not(HasSubstr("Vault policy user-secrets")));
  EXPECT_THAT(provisioned.output, Not(HasSubstr("Vault entity alice")));
  EXPECT_EQ(read("auth/jwt/role/user")["token_policies"], (Json{"user-secrets", "read-everything"}))
      << "--provision changed the role";
  EXPECT_THAT(read("sys/policies/acl/user-secrets")["policy"].get<std::string>(), HasSubstr("users/{{identity.entity.name}}"));
}

// The same on a Cognito stack: what the servers and Vault depend on there is the pool, its app
// client, its users and Vault's JWT auth trusting that pool. Untouched, it has no drift; a
// password reset to a temporary one (no sign-in works until it is changed) and Vault's JWT config
// bound to another issuer are named.
TEST(RunCommandTest, RunNamesTheDriftOfACognitoStack) {
  UpStack stack({"--idp", "cognito", "--users", "2"});
  ASSERT_EQ(stack.up.exit_code, 0) << stack.up.output;
  const auto untouched = harness({"run", "--family", "isolation", "--stack", stack.stack_file.string()}, stack.dir.path());
  EXPECT_EQ(untouched.exit_code, 0) << untouched.output;
  EXPECT_THAT(untouched.output,
              HasSubstr("[stack_configuration] the stack is configured as its fixtures describe: passed"));
  const stack::StackFile file = stack::StackFile::load(stack.stack_file);
  const idp::IdentityProviderFields& pool = file.service("cognito").idp;
  vault::Client vault(file.service("vault").url);
  const std::string token = file.service("vault").vault.token;
  const Json config = Json::parse(vault.request("GET", "auth/jwt/config", token).body)["data"];
  const Json other_issuer = {{"jwks_url", config["jwks_url"]},
                             {"bound_issuer", pool.issuer + "-other"},
                             {"jwt_supported_algs", Json::array({"RS256"})}};
  ASSERT_LT(vault.request("POST", "auth/jwt/config", token, other_issuer.dump()).status, 300);
  http::Client cognito(file.service("cognito").url);
  const auto reset = cognito.post("/", Json{{"UserPoolId", pool.pool_id}, {"Username", "bob"}, {"Password", "Temp-pw-12345"},
                                            {"Permanent", false}}.dump(),
                                  "application/x-amz-json-1.1",
                                  {{"X-Amz-Target", "AWSCognitoIdentityProviderService.AdminSetUserPassword"}});
  ASSERT_EQ(reset.status, 200) << reset.body;

  const auto run = harness({"run", "--family", "isolation", "--stack", stack.stack_file.string()}, stack.dir.path());
  EXPECT_EQ(run.exit_code, 1) << run.output;
  EXPECT_THAT(run.output, HasSubstr("failed: stack_configuration — the stack is configured as its fixtures describe"));
  EXPECT_THAT(run.output, HasSubstr("Cognito user bob"));
  EXPECT_THAT(run.output, HasSubstr("UserStatus FORCE_CHANGE_PASSWORD (CONFIRMED expected"));
  EXPECT_THAT(run.output, HasSubstr("Vault jwt config (JWKS of Cognito pool " + pool.pool_id + ")"));
  EXPECT_THAT(run.output, HasSubstr("bound_issuer"));
  EXPECT_THAT(run.output, Not(HasSubstr("Cognito user alice")));
  EXPECT_THAT(run.output, Not(HasSubstr("Cognito app client")));
  EXPECT_THAT(run.output, Not(HasSubstr("Vault entity")));  // each user's sub read back: their aliases are theirs
}

// up's defaults are what every scenario file needs (its generated users, the rate limit). A
// file's needs are checked before any of its scenarios runs, so the first scenario of each file,
// run on a stack `up` started with its defaults, shows it; the scenario suites run every
// scenario on such a stack (scenario_stack_up), so running them all here again proves nothing more.
// The run acts as worker 0 of 4: its load step takes a quarter of the load file's users, calls
// and connections (and one of its probe users), enough to show the file runs on these defaults.
// The whole load is the load family's, which runs alone; run here beside ctest's other jobs, its
// 48 concurrent calls once kept the stand-in Vault from answering within the servers' 3 s.
TEST(RunCommandTest, UpWithItsDefaultsRunsEveryScenarioFile) {
  UpStack stack;
  ASSERT_EQ(stack.up.exit_code, 0) << stack.up.output;
  std::vector<std::string> args = {"run", "--stack", stack.stack_file.string(), "--shard", "0/4", "--shard-out",
                                   (stack.dir.path() / "shard").string()};
  std::vector<std::string> suites;
  for (const auto& entry : fs::directory_iterator(MCPH_SCENARIOS_DIR)) {
    if (entry.path().extension() != ".yaml") continue;
    const scenario::ScenarioFile file = scenario::load_scenario_file(entry.path());
    args.insert(args.end(), {entry.path().string(), "--scenario", file.scenarios.front().name});
    suites.push_back(file.suite);
  }
  ASSERT_GE(suites.size(), 10u);
  const auto run = harness(args, stack.dir.path());
  EXPECT_EQ(run.exit_code, 0) << run.output << server_failures(stack.run_dir);
  // Only the Cognito file is skipped: it is about a stack whose identity provider is Cognito.
  // Every other file runs, the workload design's too (scripts/bootstrap installs their OPA).
  EXPECT_THAT(run.output, Not(HasSubstr("the stack has no"))) << run.output;
  EXPECT_THAT(run.output, HasSubstr(" 0 failed, 0 broken, 1 skipped"));
  EXPECT_THAT(run.output, HasSubstr("this stack's is keycloak (mcp-harness up --idp cognito)"));
  EXPECT_THAT(run.output, HasSubstr("load: 30 users and 1 probe users"));
  for (const auto& suite : suites) EXPECT_FALSE(lines_starting_with(run.output, "[" + suite + "] ").empty()) << suite;
}

}  // namespace
}  // namespace mcph::harness::cli
