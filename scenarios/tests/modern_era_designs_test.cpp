// The families of the agent and workload designs, and the faults family, over MCP 2026-07-28
// alone: agent-bridge-mcp on a stack of the test's own (agent_stack.h), workload-mcp beside the
// shared stack (its Keycloak realm, trust domain and OPA), and jira-mcp, github-mcp and
// postgres-mcp behind the shared stack's fault proxy, each started with --protocol modern and
// named `protocol: modern` in the stack file. Each scenario passes as over the legacy era, save
// the cases written in the legacy era alone, not applicable there saying why; and one switch per
// design still turns its case red, with its finding, over that era.
#include <gtest/gtest.h>

#include <cstdlib>
#include <fstream>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "agent_stack.h"
#include "mcph/harness/scenario/scenario_runner.h"
#include "mcph/harness/stack/tls_proxy.h"
#include "mcph/http/client.h"
#include "mcph/http/url.h"
#include "modern_era_support.h"

namespace mcph::harness::scenario {
namespace {

const std::vector<std::string> kAgentFamilies = {"agent_identity", "transport_identity", "jwt_attacks_hs256",
                                                 "authorization_server"};
const std::vector<std::string> kWorkloadFamilies = {"dpop", "trust_tiers", "workload_identity", "workload_rate_limit"};
const std::vector<std::string> kFaults = {"faults"};

// The cases written in the legacy era alone, and the words their reason must hold.
const std::map<std::string, std::string> kAgentNotApplicable = {
    {"agent_identity / a batch of more calls than an agent's limit is refused whole, and a small batch is answered",
     "(initialize, sessions, batches)"},
};
const std::map<std::string, std::string> kWorkloadNotApplicable = {
    {"workload_rate_limit / a batch of more calls than an agent's limit is refused whole, and a small batch is answered",
     "(initialize, sessions, batches)"},
};
const std::map<std::string, std::string> kFaultsNotApplicable = {};

// The agents' stack with a bridge of the modern era alone (and `switches`), and its stack file
// saying so; null, saying why in `missing`, without nginx.
std::unique_ptr<AgentStack> modern_agent_stack(std::string& missing, std::vector<std::string> switches = {}) {
  switches.insert(switches.begin(), {"--protocol", "modern"});
  try {
    return std::make_unique<AgentStack>(switches);
  } catch (const stack::NginxMissing& e) {
    missing = e.what();
    return nullptr;
  }
}

stack::StackFile modern_stack_file_of(const AgentStack& stack) {
  stack::StackFile file = stack::StackFile::load(stack.stack_file());
  file.services.at("agent-bridge-mcp").mcp.protocol = "modern";
  return file;
}

// The status of a legacy initialize at the bridge, sent with agent-a's own API key.
int legacy_initialize_status(const AgentStack& stack) {
  const stack::StackFile file = stack::StackFile::load(stack.stack_file());
  std::ifstream keys_file(stack.stack_file().parent_path() / "agents" / "api-keys.json");
  const std::string key = nlohmann::json::parse(keys_file).at("agent-a").get<std::string>();
  http::Client client(http::parse_url(file.service("agent-bridge-mcp").url).origin());
  const std::string initialize =
      R"({"jsonrpc":"2.0","id":1,"method":"initialize","params":{"protocolVersion":"2025-06-18","capabilities":{},)"
      R"("clientInfo":{"name":"t","version":"1"}}})";
  return client
      .request("POST", "/mcp", {{"X-API-Key", key}, {"Accept", "application/json, text/event-stream"}}, initialize,
               "application/json")
      .status;
}

TEST(ModernEraAgents, TheAgentFamiliesPassSaveTheirLegacyEraCases) {
  std::string missing;
  const auto stack = modern_agent_stack(missing);
  if (!stack) GTEST_SKIP() << missing;
  // The bridge serves the modern era alone: its own agent's initialize is refused.
  EXPECT_EQ(legacy_initialize_status(*stack), 400);
  ScenarioRunner runner(modern_stack_file_of(*stack));
  const std::vector<Outcome> outcomes = run_suites(runner, kAgentFamilies);
  expect_passed_save_legacy_cases(outcomes, kAgentNotApplicable);
  expect_documented_era_table(outcomes, kAgentFamilies);
}

TEST(ModernEraAgents, TheParentTokenForKvCallsIsStillFound) {
  std::string missing;
  const auto stack = modern_agent_stack(missing, {"--unsafe-no-child-token"});
  if (!stack) GTEST_SKIP() << missing;
  ScenarioRunner runner(modern_stack_file_of(*stack));
  expect_found(run_one(runner, "agent_identity",
                       "every KV call is made with a child token of the agent's policy alone and a short TTL"),
               "agent-bridge-mcp", "calls Vault with more than the agent's own policy");
}

// Beside the shared stack: its workload-mcp and its users' servers replaced by servers of the
// modern era alone.
class ModernEraBesideTheStack : public ::testing::Test {
 protected:
  void SetUp() override {
    const char* stack_file = std::getenv("MCPH_STACK_FILE");
    if (!stack_file) GTEST_SKIP() << "MCPH_STACK_FILE is not set: these tests run beside the shared stack";
    stack_ = stack::StackFile::load(stack_file);
  }

  // `up` brings workload-mcp wherever scripts/bootstrap has run (OPA installed): a stack without
  // it is a machine set up wrong, as the workload families' own tests say.
  bool has_workload_mcp() const {
    if (stack_.services.count("workload-mcp")) return true;
    const auto why = stack_.services_left_out.find("opa");
    ADD_FAILURE() << "the shared stack has no workload-mcp; the opa row: "
                  << (why != stack_.services_left_out.end() ? why->second : "present");
    return false;
  }

  // The workload design's stack over the modern era: workload-mcp of the test's own (with
  // `switches`) configured as the stack's (its realm's keys and OPA through the fault proxy, its
  // rate limit), the users' servers of the modern era alone, and the shared bridge, which
  // serves both eras, spoken to in the modern one.
  stack::StackFile modern_workload_stack(const std::vector<std::string>& switches = {}) {
    stack::StackFile stack = with_modern_users_servers(stack_, ServerRoute::direct, own_);
    stack::ServiceEntry& entry = stack.services.at("workload-mcp");
    const stack::ServiceEntry& keycloak = stack_.service("keycloak");
    const stack::ServiceEntry& opa = stack_.service("opa");
    const auto via_proxy = [](const stack::ServiceEntry& service) {
      return service.url_for_servers.empty() ? service.url : service.url_for_servers;
    };
    const std::string realm = "/realms/" + stack_.realm;
    proc::SpawnOptions spawn;
    spawn.name = "workload-mcp-modern";
    spawn.argv = {MCPH_WORKLOAD_MCP, "--port", "0", "--protocol", "modern", "--issuer", keycloak.url + realm,
                  "--jwks-url", via_proxy(keycloak) + realm + "/protocol/openid-connect/certs",
                  "--agents-file", std::string(MCPH_POLICIES_DIR) + "/trust_tiers/agents.json", "--opa-url", via_proxy(opa)};
    if (entry.mcp.rate_limit) {
      spawn.argv.insert(spawn.argv.end(), {"--rate-limit", std::to_string(entry.mcp.rate_limit->requests),
                                           "--rate-window-ms", std::to_string(entry.mcp.rate_limit->window.count())});
    }
    spawn.argv.insert(spawn.argv.end(), switches.begin(), switches.end());
    own_.push_back(proc::start_service(spawn));
    entry.url = own_.back().url + "/mcp";
    entry.mcp.protocol = "modern";
    if (stack.services.count("agent-bridge-mcp")) stack.services.at("agent-bridge-mcp").mcp.protocol = "modern";
    return stack;
  }

  stack::StackFile stack_;
  std::vector<proc::StartedService> own_;
};

TEST_F(ModernEraBesideTheStack, TheWorkloadFamiliesPassSaveTheirLegacyEraCases) {
  if (!has_workload_mcp()) return;
  ScenarioRunner runner(modern_workload_stack());
  const std::vector<Outcome> outcomes = run_suites(runner, kWorkloadFamilies);
  expect_passed_save_legacy_cases(outcomes, kWorkloadNotApplicable);
  expect_documented_era_table(outcomes, kWorkloadFamilies);
}

TEST_F(ModernEraBesideTheStack, AToolRunWithoutADecisionIsStillFound) {
  if (!has_workload_mcp()) return;
  ScenarioRunner runner(modern_workload_stack({"--unsafe-fail-open"}));
  expect_found(run_one(runner, "trust_tiers",
                       "with the policy engine down every call is denied at once, and allowed again once it is back"),
               "workload-mcp", "runs a tool without a policy decision");
}

// The users' servers behind the fault proxy, as the stack's are.
TEST_F(ModernEraBesideTheStack, TheFaultsFamilyPasses) {
  ScenarioRunner runner(with_modern_users_servers(stack_, ServerRoute::through_fault_proxy, own_));
  const std::vector<Outcome> outcomes = run_suites(runner, kFaults);
  expect_passed_save_legacy_cases(outcomes, kFaultsNotApplicable);
  expect_documented_era_table(outcomes, kFaults);
}

// github-mcp waiting 10 s for Vault, past the 3 s its profile promises: the slow Vault's case
// goes red on it over the modern era too.
TEST_F(ModernEraBesideTheStack, AServerWaitingOnASlowVaultIsStillFound) {
  stack::StackFile stack = with_modern_users_servers(stack_, ServerRoute::through_fault_proxy, own_);
  own_.push_back(start_own_server(stack_, "github-mcp", ServerRoute::through_fault_proxy,
                                  {"--protocol", "modern", "--audience", stack_.service("github-mcp").url,
                                   "--vault-timeout-ms", "10000"}));
  stack.services.at("github-mcp").url = own_.back().url + "/mcp";
  ScenarioRunner runner(stack);
  expect_found(run_one(runner, "faults", "Vault slower than the server's own timeout gives vault_unavailable within that "
                                         "timeout and 1.5 s"),
               "github-mcp", "no clear, prompt error when a dependency fails");
}

}  // namespace
}  // namespace mcph::harness::scenario
