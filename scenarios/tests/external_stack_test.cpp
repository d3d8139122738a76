// External mode: a stack file written by hand. The scenario suites run unchanged against MCP
// servers reached through the original demo's transport (plain JSON-RPC on POST /sse,
// `legacy-sse-post`), with the other services taken from a running local stack; and the faults
// suite against servers the harness did not start, behind the stack's fault proxy or not.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <fstream>
#include <functional>
#include <iterator>

#include "mcph/harness/scenario/scenario_loader.h"
#include "mcph/harness/scenario/scenario_runner.h"
#include "mcph/harness/stack/service_table.h"
#include "mcph/harness/stack/supervised_stack.h"
#include "own_servers.h"

namespace mcph::harness::scenario {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;
using Status = reports::ScenarioResult::Status;

std::string why(const reports::ScenarioResult& scenario) {
  std::string text = scenario.message;
  for (const auto& failure : scenario.failures) text += "\n" + failure.step + " | " + failure.expectation + " | " + failure.actual;
  return text;
}

// What a user would write for their own deployment of `local`'s services: URLs (and what
// `adjust` changes, a server's transport), none of what only the stack that started them knows.
stack::StackFile hand_written(const stack::StackFile& local, const std::function<void(const std::string&, stack::ServiceEntry&)>& adjust) {
  stack::StackFile external;
  external.mode = stack::StackMode::external;
  external.realm = local.realm;
  for (const auto& [name, entry] : local.services) {
    stack::ServiceEntry service = entry;
    service.pid = 0;
    service.log.clear();
    service.mcp.behind_fault_proxy.clear();
    adjust(name, service);
    external.services[name] = service;
  }
  return stack::StackFile::parse(external.to_json(), "hand-written stack file");
}

// An MCP server's entry at another path of its origin (its …/mcp URL's), over `transport`.
void reach_at(stack::ServiceEntry& service, const std::string& path, const std::string& transport) {
  service.url = service.url.substr(0, service.url.size() - 4) + path;
  service.mcp.transport = transport;
}

TEST(ExternalStack, SuitesPassOverTheLegacySsePostTransport) {
  stack::SupervisedStackOptions options;
  options.stack = stack::scenario_suite_params();
  const auto local = stack::SupervisedStack::start(options);

  const stack::StackFile parsed = hand_written(local->stack(), [](const std::string& name, stack::ServiceEntry& service) {
    if (name.ends_with("-mcp")) reach_at(service, "/sse", "legacy-sse-post");
  });
  ASSERT_EQ(parsed.service("jira-mcp").mcp.transport, "legacy-sse-post");

  ScenarioRunner runner(parsed);
  for (const std::string suite : {"isolation", "missing_credentials", "cross_subject"}) {
    const auto result = runner.run(load_scenario_file(std::string(MCPH_SCENARIOS_DIR) + "/" + suite + ".yaml"));
    for (const auto& scenario : result.scenarios) {
      EXPECT_EQ(scenario.status, Status::passed) << suite << " / " << scenario.name << why(scenario);
    }
  }
}

// The MCP servers reached over the HTTP+SSE transport of protocol 2024-11-05 (GET /sse, POST
// /messages/?session_id=), as a stack file names servers that speak only that: the families
// pass unchanged.
TEST(ExternalStack, SuitesPassOverTheSseTransport) {
  stack::SupervisedStackOptions options;
  options.stack = stack::scenario_suite_params();
  const auto local = stack::SupervisedStack::start(options);

  const std::vector<std::string> servers = {"jira-mcp", "github-mcp", "postgres-mcp"};
  const stack::StackFile parsed = hand_written(local->stack(), [&servers](const std::string& name, stack::ServiceEntry& service) {
    if (std::find(servers.begin(), servers.end(), name) != servers.end()) reach_at(service, "/sse", "sse");
  });
  ASSERT_EQ(parsed.service("jira-mcp").mcp.transport, "sse");

  ScenarioRunner runner(parsed);
  for (const std::string suite : {"isolation", "missing_credentials", "cross_subject"}) {
    const auto result = runner.run(load_scenario_file(std::string(MCPH_SCENARIOS_DIR) + "/" + suite + ".yaml"));
    EXPECT_FALSE(result.scenarios.empty()) << suite;
    for (const auto& scenario : result.scenarios) {
      EXPECT_EQ(scenario.status, Status::passed) << suite << " / " << scenario.name << why(scenario);
    }
  }
  // The calls went over the stream and the messages endpoint, not over Streamable HTTP.
  for (const auto& server : servers) {
    std::ifstream log(local->stack().service(server).log);
    const std::string lines((std::istreambuf_iterator<char>(log)), std::istreambuf_iterator<char>());
    EXPECT_THAT(lines, HasSubstr("GET /sse 200")) << server;
    EXPECT_THAT(lines, HasSubstr("POST /messages/ 202")) << server;
    EXPECT_THAT(lines, Not(HasSubstr("POST /mcp "))) << server;
  }
}

// The three reference servers started by the test itself, as a user starts their own, and the
// stack file a user writes for them: the stack's other services, these servers in place of its
// own, each declared behind the fault proxy for the services it reaches or not at all.
struct OwnServers {
  std::vector<proc::StartedService> processes;
  stack::StackFile stack;
};

OwnServers own_servers(const stack::StackFile& local, ServerRoute route, bool declared) {
  OwnServers own;
  own.stack.mode = stack::StackMode::external;
  own.stack.realm = local.realm;
  own.stack.generated_users = local.generated_users;
  const std::map<std::string, std::string> backends = {
      {"jira-mcp", "jira-api"}, {"github-mcp", "github-api"}, {"postgres-mcp", "postgres"}};
  for (const auto& [name, entry] : local.services) {
    if (backends.count(name)) continue;
    stack::ServiceEntry service = entry;  // all but what only the stack that started it knows
    service.pid = 0;
    service.log.clear();
    service.mcp.behind_fault_proxy.clear();
    own.stack.services[name] = service;
  }
  for (const auto& [name, backend] : backends) {
    const stack::ServiceEntry& theirs = local.service(name);
    // Tokens name the stack's server as their audience (its client scope): so must this one.
    own.processes.push_back(start_own_server(local, name, route, {"--audience", theirs.url}));
    stack::ServiceEntry service;
    service.url = own.processes.back().url + "/mcp";
    service.mcp.scope = theirs.mcp.scope;
    service.mcp.client_id = theirs.mcp.client_id;
    if (declared) service.mcp.behind_fault_proxy = {"keycloak", "vault", backend};
    own.stack.services[name] = service;
  }
  own.stack = stack::StackFile::parse(own.stack.to_json(), "hand-written stack file");  // as a user's file is read
  return own;
}

// A scenario of faults.yaml that puts a toxic on the fault proxy (not only a backend's HTTP error
// or a key rotation): the ones whose faults a server must be behind the proxy to see.
bool uses_the_fault_proxy(const Scenario& scenario) {
  for (const auto& step : scenario.steps) {
    const auto* fault = step.get_if<FaultSpec>();
    if (fault && fault->clear.empty() && fault->toxic != "http_error") return true;
  }
  return false;
}

TEST(ExternalStack, FaultsReachOnlyServersBehindTheFaultProxyAndTheOthersAreSkippedSayingWhereToPointThem) {
  stack::SupervisedStackOptions options;
  options.stack = stack::scenario_suite_params();
  const auto local = stack::SupervisedStack::start(options);
  const stack::StackFile& stack = local->stack();

  // The stack file says where servers must point to be behind the proxy, and which services the
  // servers the stack started reach through it.
  for (const std::string& service : stack::fault_proxy_targets()) {
    if (service == "cognito") continue;  // the identity provider this stack does not use
    const std::string proxied = stack.service(service).url_for_servers;
    EXPECT_THAT(proxied, ::testing::StartsWith(service == "postgres" ? "postgresql://127.0.0.1:" : "http://127.0.0.1:"))
        << service;
    EXPECT_NE(proxied, stack.service(service).url) << service;
  }
  EXPECT_EQ(stack.service("jira-mcp").mcp.behind_fault_proxy, (std::vector<std::string>{"keycloak", "vault", "jira-api"}));
  EXPECT_EQ(stack.service("postgres-mcp").mcp.behind_fault_proxy, (std::vector<std::string>{"keycloak", "vault", "postgres"}));

  const ScenarioFile faults = load_scenario_file(std::string(MCPH_SCENARIOS_DIR) + "/faults.yaml");
  std::size_t through_proxy = 0;
  for (const auto& scenario : faults.scenarios) through_proxy += uses_the_fault_proxy(scenario) ? 1 : 0;
  ASSERT_GE(through_proxy, 8u);
  ASSERT_LT(through_proxy, faults.scenarios.size()) << "some of faults.yaml needs no proxy";

  {  // Servers pointed at the services' own addresses: the proxy's faults never reach them.
    const OwnServers direct = own_servers(stack, ServerRoute::direct, false);
    ScenarioRunner runner(direct.stack);
    const auto suite = runner.run(faults);
    ASSERT_EQ(suite.scenarios.size(), faults.scenarios.size());
    for (std::size_t i = 0; i < suite.scenarios.size(); ++i) {
      const auto& result = suite.scenarios[i];
      if (uses_the_fault_proxy(faults.scenarios[i])) {
        EXPECT_EQ(result.status, Status::skipped) << result.name << why(result);
        EXPECT_THAT(result.message, HasSubstr("does not reach")) << result.name;
        EXPECT_TRUE(result.failures.empty()) << result.name;
      } else {
        EXPECT_EQ(result.status, Status::passed) << result.name << why(result);
      }
    }
    EXPECT_THAT(suite.scenarios.front().message,
                HasSubstr("jira-mcp does not reach vault through the fault proxy: point it at " +
                          stack.service("vault").url_for_servers + " (services.vault.url_for_servers)"));

    // What the skip spares: the same servers falsely declared behind the proxy fail the suite,
    // for nothing the servers did wrong — Vault is down only on a road they do not take.
    const OwnServers misdeclared = own_servers(stack, ServerRoute::direct, true);
    ScenarioRunner misled(misdeclared.stack);
    const auto vault_down = misled.run(faults, {faults.scenarios.front().name}).scenarios.at(0);
    EXPECT_EQ(vault_down.status, Status::failed) << why(vault_down);
    EXPECT_THAT(why(vault_down), HasSubstr("failure: vault_unavailable"));
  }

  // The same servers pointed at url_for_servers and declared: every fault reaches them.
  const OwnServers behind = own_servers(stack, ServerRoute::through_fault_proxy, true);
  ScenarioRunner runner(behind.stack);
  for (const auto& result : runner.run(faults).scenarios) {
    EXPECT_EQ(result.status, Status::passed) << result.name << why(result);
  }
}

}  // namespace
}  // namespace mcph::harness::scenario
