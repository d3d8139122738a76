// The `fault` and `idp` steps: what loads, every mistake named with file, line and field, and
// that a scenario's faults are undone when it ends — also when it ends in an error.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <functional>
#include <mutex>
#include <nlohmann/json.hpp>

#include "fault_driver.h"
#include "fault_spec.h"
#include "recorder.h"
#include "mcph/harness/faults/fault_api.h"
#include "mcph/harness/faults/fault_proxy.h"
#include "mcph/harness/scenario/run_order.h"
#include "mcph/harness/scenario/scenario_loader.h"
#include "mcph/harness/scenario/scenario_runner.h"
#include "mcph/harness/stack/service_table.h"
#include "mcph/http/client.h"
#include "mcph/http/server.h"
#include "mcph/mock_backend/backend.h"
#include "mcph/seed/seeded_random.h"

namespace mcph::harness::scenario {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::Not;
using Json = nlohmann::json;

std::string file_with_steps(const std::string& steps) {
  return "suite: faults\nscenarios:\n  - name: one\n    steps:\n" + steps;
}

std::string fault_steps_error(const std::string& steps) {
  try {
    parse_scenario_file(file_with_steps(steps), "scenarios/f.yaml");
  } catch (const ScenarioError& e) {
    return e.what();
  }
  ADD_FAILURE() << "no error for:\n" << steps;
  return "";
}

TEST(FaultStep, LoadsToxicsWithToxiproxysAttributeNames) {
  const ScenarioFile file = parse_scenario_file(file_with_steps(R"(      - fault: {target: vault, toxic: latency, latency_ms: 2000, jitter_ms: 50}
      - fault: {target: postgres, toxic: reset_peer, stream: upstream}
      - fault: {target: keycloak, toxic: down}
      - fault: {clear: vault}
      - fault: {clear: all}
      - idp: rotate_signing_key
        keep_old_key: true
)"), "scenarios/f.yaml");
  const auto& steps = file.scenarios.at(0).steps;
  ASSERT_EQ(steps.size(), 6u);
  EXPECT_EQ(steps[0].kind(), StepKind::fault);
  EXPECT_EQ(steps[0].get<FaultSpec>().target, "vault");
  EXPECT_EQ(steps[0].get<FaultSpec>().toxic, "latency");
  EXPECT_EQ(steps[0].get<FaultSpec>().attributes, (std::map<std::string, long>{{"latency", 2000}, {"jitter", 50}}));
  EXPECT_EQ(steps[1].get<FaultSpec>().stream, "upstream");
  EXPECT_TRUE(steps[1].get<FaultSpec>().attributes.empty());
  EXPECT_EQ(steps[2].get<FaultSpec>().toxic, "down");
  EXPECT_EQ(steps[3].get<FaultSpec>().clear, "vault");
  EXPECT_EQ(steps[4].get<FaultSpec>().clear, "all");
  EXPECT_EQ(steps[5].kind(), StepKind::idp);
  EXPECT_EQ(steps[5].get<IdpStep>().action, IdpAction::rotate_signing_key);
  EXPECT_TRUE(steps[5].get<IdpStep>().keep_old_key);

  const Json toxic = toxiproxy_toxic(steps[0].get<FaultSpec>());
  EXPECT_EQ(toxic["type"], "latency");
  EXPECT_EQ(toxic["stream"], "downstream");
  EXPECT_EQ(toxic["attributes"], (Json{{"latency", 2000}, {"jitter", 50}}));
}

TEST(FaultStep, AnHttpErrorIsAMockBackendsStatusAndCount) {
  const ScenarioFile file = parse_scenario_file(file_with_steps(R"(      - fault: {target: jira-api, toxic: http_error, status: 503}
      - fault: {target: github-api, toxic: http_error, status: 500, count: 2}
)"), "scenarios/f.yaml");
  const auto& steps = file.scenarios.at(0).steps;
  EXPECT_EQ(steps.at(0).get<FaultSpec>().toxic, "http_error");
  EXPECT_EQ(steps.at(0).get<FaultSpec>().attributes, (std::map<std::string, long>{{"status", 503}}));
  EXPECT_EQ(steps.at(1).get<FaultSpec>().attributes, (std::map<std::string, long>{{"status", 500}, {"count", 2}}));
  EXPECT_THAT(stack::mock_backend_services(), ElementsAre("jira-api", "github-api"));

  EXPECT_THAT(fault_steps_error("      - fault: {target: vault, toxic: http_error, status: 503}\n"),
              HasSubstr("fault.target: an http_error needs a mock backend (jira-api, github-api), not \"vault\""));
  EXPECT_THAT(fault_steps_error("      - fault: {target: jira-api, toxic: http_error, status: 404}\n"),
              HasSubstr("fault.status: expected an integer from 500 to 599, got 404"));
  EXPECT_THAT(fault_steps_error("      - fault: {target: jira-api, toxic: http_error}\n"), HasSubstr("fault.status: missing"));
  EXPECT_THAT(fault_steps_error("      - fault: {target: jira-api, toxic: http_error, status: 503, count: 0}\n"),
              HasSubstr("fault.count: expected an integer from 1 to 1000000"));
  EXPECT_THAT(fault_steps_error("      - fault: {target: jira-api, toxic: http_error, status: 503, stream: upstream}\n"),
              HasSubstr("fault.stream: unknown attribute of http_error"));
}

TEST(FaultStep, AnHttpAnswerMayBeForThePathsUnderOne) {
  const ScenarioFile file = parse_scenario_file(
      file_with_steps("      - fault: {target: vault, toxic: http_answer, path: /v1/auth/token/create, status: 403, body: '{}'}\n"),
      "scenarios/f.yaml");
  const FaultSpec& fault = file.scenarios.at(0).steps.at(0).get<FaultSpec>();
  EXPECT_EQ(fault.path, "/v1/auth/token/create");
  EXPECT_EQ(fault.attributes, (std::map<std::string, long>{{"status", 403}}));
  EXPECT_THAT(fault_steps_error("      - fault: {target: vault, toxic: http_answer, path: v1/auth, status: 403, body: '{}'}\n"),
              HasSubstr("fault.path: expected the start of the paths to answer"));
  EXPECT_THAT(fault_steps_error("      - fault: {target: vault, toxic: down, path: /v1/auth}\n"),
              HasSubstr("fault.path: unknown attribute of down"));
}

TEST(FaultStep, TheTargetsAreTheRowsBehindTheFaultProxy) {
  EXPECT_THAT(stack::fault_proxy_targets(), ElementsAre("postgres", "keycloak", "cognito", "vault", "jira-api", "github-api", "opa"));
}

TEST(FaultStep, MistakesNameFileLineAndField) {
  EXPECT_THAT(fault_steps_error("      - fault: {target: vault2, toxic: down}\n"),
              HasSubstr("scenarios/f.yaml:5: scenarios[0].steps[0].fault.target: unknown target \"vault2\" (postgres, "
                        "keycloak, cognito, vault, jira-api, github-api, opa)"));
  EXPECT_THAT(fault_steps_error("      - fault: {target: vault, toxic: explode}\n"),
              HasSubstr("scenarios/f.yaml:5: scenarios[0].steps[0].fault.toxic: unknown toxic \"explode\""));
  EXPECT_THAT(fault_steps_error("      - fault: {target: vault, toxic: latency, timeout_ms: 5}\n"),
              HasSubstr("fault.timeout_ms: unknown attribute of latency"));
  EXPECT_THAT(fault_steps_error("      - fault: {target: vault, toxic: latency}\n"),
              HasSubstr("fault.latency_ms: missing: latency needs it"));
  EXPECT_THAT(fault_steps_error("      - fault: {target: vault, toxic: latency, latency_ms: -1}\n"),
              HasSubstr("fault.latency_ms: expected an integer from 0 to 600000, got -1"));
  EXPECT_THAT(fault_steps_error("      - fault: {target: vault, toxic: latency, latency_ms: 1s}\n"),
              HasSubstr("fault.latency_ms: expected an integer"));
  EXPECT_THAT(fault_steps_error("      - fault: {target: vault, toxic: down, stream: upstream}\n"),
              HasSubstr("fault.stream: unknown attribute of down"));
  EXPECT_THAT(fault_steps_error("      - fault: {target: vault, toxic: timeout, stream: sideways}\n"),
              HasSubstr("fault.stream: expected upstream"));
  EXPECT_THAT(fault_steps_error("      - fault: {clear: all, target: vault}\n"), HasSubstr("fault.target: unknown key"));
  EXPECT_THAT(fault_steps_error("      - fault: {clear: nothing}\n"), HasSubstr("fault.clear: unknown target \"nothing\""));
  EXPECT_THAT(fault_steps_error("      - fault: {toxic: down}\n"), HasSubstr("fault.target: missing"));
  EXPECT_THAT(fault_steps_error("      - fault: vault\n"), HasSubstr("scenarios[0].steps[0].fault: expected a mapping"));
  EXPECT_THAT(fault_steps_error("      - fault: {target: vault, toxic: down}\n        expect: {ok: true}\n"),
              HasSubstr("scenarios/f.yaml:6: scenarios[0].steps[0].expect.ok: unknown key"));
  EXPECT_THAT(fault_steps_error("      - idp: rotate_everything\n"), HasSubstr("steps[0].idp: unknown action \"rotate_everything\" (rotate_signing_key, disable_user, logout_user)"));
}

TEST(FaultStep, WithinMsIsAnExpectationOfCalls) {
  const ScenarioFile file = parse_scenario_file(
      file_with_steps("      - as: alice\n        call: jira.get_issue\n        expect: {within_ms: 4500}\n"), "f.yaml");
  EXPECT_EQ(file.scenarios.at(0).steps.at(0).expect.at(0).kind, "within_ms");
  EXPECT_THAT(fault_steps_error("      - as: alice\n        call: jira.get_issue\n        expect: {within_ms: soon}\n"),
              HasSubstr("expect.within_ms: expected an integer"));
}

// A fault proxy with its HTTP API in process, and a stack file that names only it.
class FaultUndo : public ::testing::Test {
 protected:
  void SetUp() override {
    http::ServerOptions options;
    options.access_log = false;
    options.error_formatter = faults::toxiproxy_error;
    api_ = std::make_unique<http::Server>(options);
    faults::mount_fault_api(proxies_, *api_);
    api_->start();
    proxies_.create("vault", "127.0.0.1:0", "127.0.0.1:9");
    proxies_.create("postgres", "127.0.0.1:0", "127.0.0.1:9");
    stack_.mode = stack::StackMode::external;
    stack_.generated_users = 0;
    stack_.services[std::string(stack::kFaultProxyService)].url = api_->url();
  }

  faults::FaultProxy proxies_;
  std::unique_ptr<http::Server> api_;
  stack::StackFile stack_;
};

TEST_F(FaultUndo, AScenarioThatEndsInAnErrorLeavesNoFaultBehind) {
  const ScenarioFile file = parse_scenario_file(file_with_steps(R"(      - fault: {target: vault, toxic: latency, latency_ms: 2000}
      - fault: {target: vault, toxic: latency, latency_ms: 3000}
      - fault: {target: postgres, toxic: down}
      - sql: SELECT 1
)"), "f.yaml");
  ScenarioRunner runner(stack_);
  const auto suite = runner.run(file);
  ASSERT_EQ(suite.scenarios.size(), 1u);
  // The sql step cannot run (this stack has no PostgreSQL): an error, and the faults are gone.
  EXPECT_EQ(suite.scenarios[0].status, reports::ScenarioResult::Status::error);
  EXPECT_THAT(suite.scenarios[0].message, HasSubstr("postgres"));
  EXPECT_TRUE(proxies_.get("vault").toxics.empty());
  EXPECT_TRUE(proxies_.get("postgres").enabled);
}

TEST_F(FaultUndo, RepeatedToxicsAndADownAreAllUndoneAndClearRemovesAnyonesToxics) {
  const ScenarioFile file = parse_scenario_file(file_with_steps(R"(      - fault: {target: vault, toxic: latency, latency_ms: 2000}
      - fault: {target: vault, toxic: latency, latency_ms: 3000}
      - fault: {target: vault, toxic: down}
      - wait: 0s
)"), "f.yaml");
  {
    ScenarioRunner runner(stack_);
    const auto suite = runner.run(file);
    ASSERT_EQ(suite.scenarios.at(0).status, reports::ScenarioResult::Status::passed) << suite.scenarios[0].message;
  }
  EXPECT_TRUE(proxies_.get("vault").toxics.empty());
  EXPECT_TRUE(proxies_.get("vault").enabled);

  // A toxic someone else added is removed by an explicit clear, and left alone otherwise.
  proxies_.add_toxic("vault", {"theirs", faults::Latency{10, 0}, faults::Stream::upstream, 1.0, std::nullopt});
  ScenarioRunner runner(stack_);
  ASSERT_EQ(runner.run(parse_scenario_file(file_with_steps("      - fault: {target: postgres, toxic: down}\n"), "f.yaml"))
                .scenarios.at(0).status,
            reports::ScenarioResult::Status::passed);
  EXPECT_EQ(proxies_.get("vault").toxics.size(), 1u);
  ASSERT_EQ(runner.run(parse_scenario_file(file_with_steps("      - fault: {clear: all}\n"), "f.yaml")).scenarios.at(0).status,
            reports::ScenarioResult::Status::passed);
  EXPECT_TRUE(proxies_.get("vault").toxics.empty());
}

// An answer for the paths under one: a request there gets it, every other reaches the service
// as it came (method, encoded path, query, headers, body), and the proxy gets its upstream back.
TEST_F(FaultUndo, AnAnswerForOnePathPassesEveryOtherRequestOn) {
  struct Seen {
    std::string method, path, list, token, body;
  };
  std::vector<Seen> seen;
  std::mutex seen_lock;
  http::ServerOptions options;
  options.access_log = false;
  http::Server service(options);
  for (const char* method : {"GET", "POST"}) {
    service.route(method, "/.*", [&](const http::Request& request, http::Response& response) {
      const std::lock_guard lock(seen_lock);
      seen.push_back({request.method, request.path, request.query_param("list").value_or(""), request.header("X-Vault-Token"),
                      request.body});
      response.set_json(200, R"({"data":{"service":true}})");
    });
  }
  service.start();
  const std::string upstream = "127.0.0.1:" + std::to_string(service.port());
  proxies_.update("vault", std::nullopt, upstream, std::nullopt);
  const FaultSpec fault = parse_scenario_file(
      file_with_steps("      - fault: {target: vault, toxic: http_answer, path: /v1/auth/token/create, status: 403, "
                      "body: '{\"errors\":[\"permission denied\"]}'}\n"),
      "f.yaml").scenarios.at(0).steps.at(0).get<FaultSpec>();
  FaultDriver driver(stack_);
  FaultsAdded added;
  StepOutcome out;
  std::vector<reports::UserFlow> flows;
  Recorder record(out, flows);
  driver.apply(fault, added, 1, out, record);

  http::Client vault("http://" + proxies_.get("vault").listen);
  const auto refused = vault.request("POST", "/v1/auth/token/create/mcp-agent", {{"X-Vault-Token", "t"}}, "{}", "application/json");
  EXPECT_EQ(refused.status, 403);
  EXPECT_EQ(refused.body, R"({"errors":["permission denied"]})");
  const auto read = vault.request("GET", "/v1/secret/metadata/mcp/agent-a/a%20b?list=true", {{"X-Vault-Token", "t"}});
  EXPECT_EQ(read.status, 200);
  EXPECT_EQ(read.body, R"({"data":{"service":true}})");
  const auto written = vault.request("POST", "/v1/secret/data/mcp/agent-a/x", {{"X-Vault-Token", "t"}}, R"({"data":{}})", "application/json");
  EXPECT_EQ(written.status, 200);
  {
    const std::lock_guard lock(seen_lock);
    ASSERT_EQ(seen.size(), 2u) << "the token request reached the service";
    EXPECT_EQ(seen[0].method, "GET");
    EXPECT_EQ(seen[0].path, "/v1/secret/metadata/mcp/agent-a/a b");
    EXPECT_EQ(seen[0].list, "true");
    EXPECT_EQ(seen[0].token, "t");
    EXPECT_EQ(seen[1].body, R"({"data":{}})");
  }
  driver.undo(added);
  EXPECT_EQ(proxies_.get("vault").upstream, upstream);
  EXPECT_EQ(vault.request("POST", "/v1/auth/token/create/mcp-agent", {{"X-Vault-Token", "t"}}, "{}", "application/json").status, 200);
}

// The seed the scenario's toxic was added with, as its trace recorded the request to the proxy.
std::uint64_t toxic_seed_sent(const Json& trace) {
  std::uint64_t seed = 0;
  const std::function<void(const Json&)> look = [&](const Json& value) {
    if (value.is_object() && value.contains("request") && value["request"].is_object()) {
      const Json body = Json::parse(value["request"].value("body", ""), nullptr, false);
      if (body.is_object() && body.contains("seed")) seed = body["seed"].get<std::uint64_t>();
    }
    if (value.is_structured()) {
      for (const auto& item : value) look(item);
    }
  };
  look(trace);
  return seed;
}

// A toxic's draws come from the run's seed through the scenario's own (run_order.h): the same run
// seed sends the same toxic seed, another run seed another; mcp-fault-proxy draws from it.
TEST_F(FaultUndo, AToxicIsAddedWithASeedDerivedFromTheRunsSeed) {
  const ScenarioFile file = parse_scenario_file(
      file_with_steps("      - fault: {target: vault, toxic: latency, latency_ms: 100, jitter_ms: 50}\n"), "f.yaml");
  const auto sent = [&](std::uint64_t run_seed) {
    RunnerOptions options;
    options.seed = run_seed;
    ScenarioRunner runner(stack_, options);
    EXPECT_EQ(runner.run(file).scenarios.at(0).status, reports::ScenarioResult::Status::passed);
    return toxic_seed_sent(Json::parse(runner.last_trace()));
  };
  const std::uint64_t expected = seed::derive(scenario_seed(5, file, file.scenarios[0]), "vault/scenario_latency_downstream");
  EXPECT_EQ(sent(5), expected);
  EXPECT_EQ(sent(5), expected);
  EXPECT_NE(sent(6), expected);
}

// A mock backend's fault hook in process (its API has no routes: the hook answers /_fault).
class HttpErrorUndo : public FaultUndo {
 protected:
  void SetUp() override {
    FaultUndo::SetUp();
    http::ServerOptions options;
    options.access_log = false;
    backend_server_ = std::make_unique<http::Server>(options);
    backend_ = std::make_unique<mock_backend::Backend>(*backend_server_, credentials_,
                                                       [](const mock_backend::Identification&, http::Response&) {});
    backend_server_->start();
    stack_.services["jira-api"].url = backend_server_->url();
    proxies_.create("jira-api", "127.0.0.1:0", "127.0.0.1:9");  // as the stack's fault proxy has it
  }
  mock_backend::CredentialFile credentials_{mock_backend::CredentialSet::parse("{}", mock_backend::Service::jira)};
  std::unique_ptr<http::Server> backend_server_;
  std::unique_ptr<mock_backend::Backend> backend_;
};

TEST_F(HttpErrorUndo, TheBackendsErrorIsSetAndUndoneWhenTheScenarioEnds) {
  const ScenarioFile file = parse_scenario_file(file_with_steps(R"(      - fault: {target: jira-api, toxic: http_error, status: 503}
      - sql: SELECT 1
)"), "f.yaml");
  ScenarioRunner runner(stack_);
  const auto suite = runner.run(file);
  EXPECT_EQ(suite.scenarios.at(0).status, reports::ScenarioResult::Status::error);  // no PostgreSQL here
  EXPECT_EQ(backend_->fault_hook().take(), std::nullopt) << "the error outlived its scenario";

  // Set by the step (with its count), and cleared by a clear of its target or of all.
  ASSERT_EQ(runner.run(parse_scenario_file(file_with_steps(R"(      - fault: {target: jira-api, toxic: http_error, status: 502, count: 3}
      - fault: {clear: jira-api}
)"), "f.yaml")).scenarios.at(0).status, reports::ScenarioResult::Status::passed);
  EXPECT_EQ(backend_->fault_hook().take(), std::nullopt);
  backend_->fault_hook().set(500);  // someone else's: a clear of all removes it too
  ASSERT_EQ(runner.run(parse_scenario_file(file_with_steps("      - fault: {clear: all}\n"), "f.yaml")).scenarios.at(0).status,
            reports::ScenarioResult::Status::passed);
  EXPECT_EQ(backend_->fault_hook().take(), std::nullopt);
}

TEST_F(HttpErrorUndo, WithoutAFaultProxyAnHttpErrorStillWorks) {
  stack_.services.erase(std::string(stack::kFaultProxyService));
  ScenarioRunner runner(stack_);
  const auto suite = runner.run(parse_scenario_file(file_with_steps(R"(      - fault: {target: jira-api, toxic: http_error, status: 504, count: 1}
      - wait: 0s
)"), "f.yaml"));
  ASSERT_EQ(suite.scenarios.at(0).status, reports::ScenarioResult::Status::passed) << suite.scenarios.at(0).message;
  EXPECT_EQ(backend_->fault_hook().take(), std::nullopt) << "undone when the scenario ended";
}

// A server of the stack whose traffic to Vault does not pass through the proxy (a user's own,
// pointed at Vault's own address): a Vault fault cannot reach it, so the scenario is not run.
TEST_F(FaultUndo, AFaultOnAServiceTheCalledServerDoesNotReachThroughTheProxyIsSkippedWithWhereToPointIt) {
  stack_.services["vault"].url = "http://127.0.0.1:9";
  stack_.services["vault"].url_for_servers = "http://" + proxies_.get("vault").listen;
  stack_.services["jira-mcp"].url = "http://127.0.0.1:9/mcp";
  const std::string vault_down = R"(      - fault: {target: vault, toxic: down}
      - as: alice
        call: jira.get_issue
        args: {issue_key: DEMO-1}
)";
  {
    ScenarioRunner runner(stack_);
    const auto result = runner.run(parse_scenario_file(file_with_steps(vault_down), "f.yaml")).scenarios.at(0);
    EXPECT_EQ(result.status, reports::ScenarioResult::Status::skipped) << result.message;
    EXPECT_THAT(result.message, HasSubstr("jira-mcp does not reach vault through the fault proxy: point it at http://" +
                                          proxies_.get("vault").listen + " (services.vault.url_for_servers) and list "
                                          "\"vault\" in services.jira-mcp.behind_fault_proxy"));
    EXPECT_TRUE(result.steps.empty()) << "no step ran";
    EXPECT_TRUE(proxies_.get("vault").enabled) << "the fault was never applied";
  }
  // Declared behind a proxy, but another one: the same.
  stack_.services["jira-mcp"].mcp.behind_fault_proxy = {"keycloak", "jira-api"};
  {
    ScenarioRunner runner(stack_);
    const auto result = runner.run(parse_scenario_file(file_with_steps(vault_down), "f.yaml")).scenarios.at(0);
    EXPECT_EQ(result.status, reports::ScenarioResult::Status::skipped) << result.message;
    EXPECT_THAT(result.message, HasSubstr("jira-mcp does not reach vault through the fault proxy"));
  }
  // What needs no proxy runs: a call before the fault, after it is cleared, or a backend's
  // own HTTP error. (Here the run breaks at the login — this stack has no IdP — not skipped.)
  for (const std::string& steps : {
           std::string("      - as: alice\n        call: jira.get_issue\n      - fault: {target: vault, toxic: down}\n"),
           std::string("      - fault: {target: vault, toxic: down}\n      - fault: {clear: all}\n      - as: alice\n"
                       "        call: jira.get_issue\n"),
           std::string("      - fault: {target: vault, toxic: down}\n      - fault: {clear: vault}\n      - as: alice\n"
                       "        call: jira.get_issue\n"),
           std::string("      - fault: {target: jira-api, toxic: http_error, status: 503}\n      - as: alice\n"
                       "        call: jira.get_issue\n")}) {
    ScenarioRunner runner(stack_);
    const auto result = runner.run(parse_scenario_file(file_with_steps(steps), "f.yaml")).scenarios.at(0);
    EXPECT_EQ(result.status, reports::ScenarioResult::Status::error) << steps;
    EXPECT_THAT(result.message, Not(HasSubstr("fault proxy"))) << steps;
  }
  // Declared behind the proxy for Vault: the scenario runs (and breaks at the login here).
  stack_.services["jira-mcp"].mcp.behind_fault_proxy.push_back("vault");
  ScenarioRunner runner(stack_);
  const auto result = runner.run(parse_scenario_file(file_with_steps(vault_down), "f.yaml")).scenarios.at(0);
  EXPECT_EQ(result.status, reports::ScenarioResult::Status::error) << result.message;
  EXPECT_THAT(result.message, HasSubstr("keycloak"));
  EXPECT_TRUE(proxies_.get("vault").enabled) << "undone when the scenario ended";
}

// Without a fault proxy at all, a server's faults reach nothing: skipped, saying so.
TEST_F(FaultUndo, WithoutAFaultProxyAScenarioWhoseFaultsAServerShouldSeeIsSkipped) {
  stack_.services.erase(std::string(stack::kFaultProxyService));
  stack_.services["github-mcp"].url = "http://127.0.0.1:9/mcp";
  stack_.services["github-mcp"].mcp.behind_fault_proxy = {"github-api"};
  ScenarioRunner runner(stack_);
  const auto result = runner.run(parse_scenario_file(file_with_steps(R"(      - fault: {target: github-api, toxic: reset_peer}
      - as: bob
        call: github.list_repos
)"), "f.yaml")).scenarios.at(0);
  EXPECT_EQ(result.status, reports::ScenarioResult::Status::skipped);
  EXPECT_THAT(result.message, HasSubstr("github-mcp does not reach github-api through the fault proxy (this stack has no "
                                        "fault proxy in front of github-api"));
}

TEST_F(FaultUndo, AStackWithoutAFaultProxyIsAClearError) {
  stack_.services.clear();
  ScenarioRunner runner(stack_);
  const auto suite = runner.run(parse_scenario_file(file_with_steps("      - fault: {target: vault, toxic: down}\n"), "f.yaml"));
  EXPECT_EQ(suite.scenarios.at(0).status, reports::ScenarioResult::Status::error);
  EXPECT_THAT(suite.scenarios.at(0).message, HasSubstr("the stack has no fault proxy"));
}

}  // namespace
}  // namespace mcph::harness::scenario
