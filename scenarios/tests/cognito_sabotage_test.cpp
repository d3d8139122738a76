// Proof that the Cognito family (scenarios/cognito.yaml) catches the checks a server of a Cognito
// stack must make itself: on one stack brought up with --idp cognito, the untouched servers pass
// the family, and a jira-mcp of the test's own started without one check (the UNSAFE switches of
// the reference servers) turns exactly the scenarios of that check red, with the finding named.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <chrono>
#include <functional>
#include <thread>

#include <nlohmann/json.hpp>

#include "mcph/harness/scenario/scenario_loader.h"
#include "mcph/harness/stack/stack_tokens.h"
#include "mcph/http/client.h"
#include "mcph/harness/scenario/scenario_runner.h"
#include "mcph/harness/stack/supervised_stack.h"
#include "own_servers.h"

namespace mcph::harness {
namespace {

using ::testing::HasSubstr;
using Status = reports::ScenarioResult::Status;

class CognitoSabotage : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    SupervisedStackOptions options;
    options.stack.idp = IdentityProvider::cognito;
    options.stack.generated_users = 2;  // the family's user0001 and user0002
    stack_ = SupervisedStack::start(options).release();
  }
  static void TearDownTestSuite() {
    delete stack_;
    stack_ = nullptr;
  }

  static const StackFile& stack() { return stack_->stack(); }

  static reports::SuiteResult run_family(const StackFile& target) {
    ScenarioRunner runner(target);
    return runner.run(load_scenario_file(std::string(MCPH_SCENARIOS_DIR) + "/cognito.yaml"));
  }

  static std::string failures(const reports::ScenarioResult& result) {
    std::string out;
    for (const auto& failure : result.failures) out += failure.step + " | " + failure.expectation + " | " + failure.actual + "\n";
    for (const auto& finding : result.findings) out += "finding on " + finding.server + ": " + finding.property + "\n";
    return out + result.message;
  }

  // A jira-mcp of the test's own started with `flags`, in a copy of the stack file; behind the
  // fault proxy as the stack's own is, so that the unreachable-Cognito case reaches it.
  static std::pair<proc::StartedService, StackFile> own_jira_mcp(std::vector<std::string> flags) {
    proc::StartedService service = start_own_server(stack(), "jira-mcp", ServerRoute::through_fault_proxy, std::move(flags));
    StackFile target = stack();
    target.services["jira-mcp"].url = service.url + "/mcp";
    return {std::move(service), std::move(target)};
  }

  // Exactly the scenarios named failed, each naming jira-mcp's finding `property`; the rest passed.
  static void expect_only(const reports::SuiteResult& suite, const std::vector<std::string>& red, const std::string& property) {
    for (const auto& result : suite.scenarios) {
      const bool expected_red = std::find(red.begin(), red.end(), result.name) != red.end();
      if (!expected_red) {
        EXPECT_EQ(result.status, Status::passed) << result.name << "\n" << failures(result);
        continue;
      }
      EXPECT_EQ(result.status, Status::failed) << result.name;
      EXPECT_THAT(failures(result), HasSubstr("finding on jira-mcp: " + property)) << result.name;
      EXPECT_THAT(failures(result), HasSubstr("sends POST jira-mcp | http_status: 401")) << result.name;
    }
  }

  static SupervisedStack* stack_;
};

SupervisedStack* CognitoSabotage::stack_ = nullptr;

TEST_F(CognitoSabotage, UntouchedCognitoStackPassesTheFamily) {
  EXPECT_EQ(stack().idp, IdentityProvider::cognito);
  const auto suite = run_family(stack());
  ASSERT_GE(suite.scenarios.size(), 12u);
  for (const auto& result : suite.scenarios) EXPECT_EQ(result.status, Status::passed) << result.name << "\n" << failures(result);
}

// The client_id allow-list: without it any app client of the pool reaches the server (Cognito's
// access tokens carry no aud to stand in for it).
TEST_F(CognitoSabotage, ServerWithoutTheClientCheckTakesAnotherAppClientsTokens) {
  auto [own, target] = own_jira_mcp({"--no-client-check"});
  expect_only(run_family(target), {"another app client's access token is refused"}, "accepts a token it must refuse");
}

// token_use: an ID token of the pool has the same keys and iss, and its client in aud, not
// client_id; the allow-list alone refuses it, so the token_use check shows only with both off.
TEST_F(CognitoSabotage, ServerWithoutTheTokenUseAndClientChecksTakesIdTokens) {
  auto [own, target] = own_jira_mcp({"--no-token-type-check", "--no-client-check"});
  expect_only(run_family(target),
              {"an ID token of the pool is refused as an access token", "another app client's access token is refused"},
              "accepts a token it must refuse");
}

// Cognito unreachable for a server that holds none of the pool's keys yet (a cold start, which the
// shared stack's warm servers cannot show): it cannot verify, and says so with 503, not 401; once
// Cognito is back, the same token works.
TEST_F(CognitoSabotage, AColdServerAnswers503WhileCognitoIsUnreachable) {
  http::Client proxy(stack().service("fault-proxy").url);
  const auto set_enabled = [&](bool enabled) {
    const auto answer = proxy.request("POST", "/proxies/cognito", {}, nlohmann::json{{"enabled", enabled}}.dump(),
                                      "application/json");
    ASSERT_EQ(answer.status, 200) << answer.body;
  };
  const std::string token = user_access_token(stack(), {}, "alice", "alice123");
  set_enabled(false);
  struct Reenable {
    std::function<void(bool)> set;
    ~Reenable() { set(true); }
  } reenable{set_enabled};
  auto [own, target] = own_jira_mcp({});
  http::Client server(own.url);
  const std::string initialize =
      R"({"jsonrpc":"2.0","id":1,"method":"initialize","params":{"protocolVersion":"2025-06-18","capabilities":{},"clientInfo":{"name":"t","version":"1"}}})";
  const http::Fields headers = {{"Authorization", "Bearer " + token}, {"Accept", "application/json, text/event-stream"}};
  const auto refused = server.post("/mcp", initialize, "application/json", headers);
  EXPECT_EQ(refused.status, 503) << refused.body;
  EXPECT_EQ(refused.body.find(token), std::string::npos);
  set_enabled(true);
  std::this_thread::sleep_for(std::chrono::milliseconds(1200));  // past the least interval between two fetches
  EXPECT_EQ(server.post("/mcp", initialize, "application/json", headers).status, 200);
}

}  // namespace
}  // namespace mcph::harness
