// Proof that the Cognito family (scenarios/cognito.yaml) catches the checks a server of a Cognito
// stack must make itself: on one stack brought up with --idp cognito, the untouched servers pass
// the family, and a jira-mcp of the test's own started without one check (the UNSAFE switches of
// the reference servers) turns exactly the scenarios of that check red, with the finding named.
// The same for the HTTP+SSE session cases of the cross-subject family, which run on this stack
// too: a github-mcp without the token check on each POST /messages/, or without the session's owner.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <chrono>
#include <functional>
#include <stdexcept>
#include <thread>

#include <nlohmann/json.hpp>

#include "mcph/harness/scenario/scenario_loader.h"
#include "mcph/http/json.h"
#include "mcph/http/server.h"
#include "mcph/oidc/cognito_client.h"
#include "mcph/harness/stack/stack_tokens.h"
#include "mcph/http/client.h"
#include "mcph/harness/scenario/scenario_runner.h"
#include "mcph/harness/stack/supervised_stack.h"
#include "own_servers.h"

namespace mcph::harness::scenario {
namespace {

using ::testing::HasSubstr;
using Status = reports::ScenarioResult::Status;

class CognitoSabotage : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    stack_ = start_cognito_stack().release();
  }
  static void TearDownTestSuite() {
    delete stack_;
    stack_ = nullptr;
  }

  static const stack::StackFile& stack() { return stack_->stack(); }

  static reports::SuiteResult run_family(const stack::StackFile& target) {
    ScenarioRunner runner(target);
    return runner.run(load_scenario_file(std::string(MCPH_SCENARIOS_DIR) + "/cognito.yaml"));
  }

  static std::string failures(const reports::ScenarioResult& result) {
    std::string out;
    for (const auto& failure : result.failures) out += failure.step + " | " + failure.expectation + " | " + failure.actual + "\n";
    for (const auto& finding : result.findings) out += "finding on " + finding.server + ": " + finding.property + "\n";
    return out + result.message;
  }

  // An MCP server of the test's own started with `flags`, in a copy of the stack file; behind the
  // fault proxy as the stack's own is, so that the unreachable-Cognito case reaches it.
  static std::pair<proc::StartedService, stack::StackFile> own_server(const std::string& name, std::vector<std::string> flags) {
    proc::StartedService service = start_own_server(stack(), name, ServerRoute::through_fault_proxy, std::move(flags));
    stack::StackFile target = stack();
    target.services[name].url = service.url + "/mcp";
    return {std::move(service), std::move(target)};
  }
  static std::pair<proc::StartedService, stack::StackFile> own_jira_mcp(std::vector<std::string> flags) {
    return own_server("jira-mcp", std::move(flags));
  }

  // The HTTP+SSE session cases of the cross-subject family (bob's stream at github-mcp), which
  // runs on this stack as it does on a Keycloak one.
  static reports::SuiteResult run_sse_session_cases(const stack::StackFile& target) {
    ScenarioFile file = load_scenario_file(std::string(MCPH_SCENARIOS_DIR) + "/cross_subject.yaml");
    std::erase_if(file.scenarios, [](const Scenario& scenario) { return scenario.transport != mcp::Transport::sse; });
    ScenarioRunner runner(target);
    return runner.run(file);
  }
  static const reports::ScenarioResult& named(const reports::SuiteResult& suite, const std::string& name) {
    for (const auto& result : suite.scenarios) {
      if (result.name == name) return result;
    }
    throw std::runtime_error("no scenario named " + name);
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
      EXPECT_THAT(failures(result), HasSubstr("sends jira-mcp's probe | http_status: 401")) << result.name;
    }
  }

  static stack::SupervisedStack* stack_;
};

stack::SupervisedStack* CognitoSabotage::stack_ = nullptr;

TEST_F(CognitoSabotage, UntouchedCognitoStackPassesTheFamily) {
  EXPECT_EQ(stack().idp, idp::IdentityProviderKind::cognito);
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
  const std::string token = stack::user_access_token(stack(), {}, "alice", "alice123");
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

// The keys of every pool of the stack's Cognito in one JWKS, fetched afresh at each GET: a server
// that trusts the pools of one account (moto's pools even share one key), where only iss tells
// one pool's tokens from another's.
class AccountJwks {
 public:
  explicit AccountJwks(std::string cognito) : cognito_(std::move(cognito)) {
    http_.route("GET", "/jwks\\.json", [this](const http::Request&, http::Response& res) {
      oidc::CognitoClient api(cognito_);
      http::Client pools_keys(cognito_);
      nlohmann::json keys = nlohmann::json::array();
      std::string next;
      do {
        nlohmann::json request{{"MaxResults", 60}};
        if (!next.empty()) request["NextToken"] = next;
        const nlohmann::json page = api.call("ListUserPools", request);
        for (const auto& pool : page.at("UserPools")) {
          const auto answer = pools_keys.get("/" + pool.at("Id").get<std::string>() + "/.well-known/jwks.json");
          const nlohmann::json pool_keys = nlohmann::json::parse(answer.body);
          for (const auto& key : pool_keys.at("keys")) keys.push_back(key);
        }
        next = page.value("NextToken", "");
      } while (!next.empty());
      http::set_json(res, 200, {{"keys", keys}});
    });
    http_.start();
  }
  std::string url() const { return http_.url() + "/jwks.json"; }

 private:
  std::string cognito_;
  http::Server http_;
};

// The Cognito family's cases of other pools and other app clients (and its control). The other
// pool's token has a kid the server learns from a refetch, at most one a second: a wait after
// the token is made keeps the control's fetch from holding it back.
reports::SuiteResult run_foreign_token_cases(const stack::StackFile& target) {
  ScenarioFile file = load_scenario_file(std::string(MCPH_SCENARIOS_DIR) + "/cognito.yaml");
  std::erase_if(file.scenarios, [](const Scenario& scenario) {
    return scenario.name.rfind("control", 0) != 0 && scenario.name.find("another") == std::string::npos;
  });
  for (Scenario& scenario : file.scenarios) {
    if (scenario.name != "another pool's access token is refused") continue;
    Step wait;
    wait.where = scenario.steps.front().where;
    wait.spec = WaitStep{1.2};
    scenario.steps.insert(scenario.steps.begin() + 1, wait);
  }
  ScenarioRunner runner(target);
  return runner.run(file);
}

// iss: a server that trusts another pool's keys as well refuses that pool's tokens by iss alone;
// without the check (--no-issuer-check) they pass. The client allow-list is off in both runs,
// for another pool's app client is never on it: the difference is the iss check's.
TEST_F(CognitoSabotage, ServerTrustingEveryPoolsKeysWithoutTheIssuerCheckTakesAnotherPoolsTokens) {
  AccountJwks jwks(stack::cognito_url(stack()));
  {
    auto [own, target] = own_jira_mcp({"--no-client-check", "--jwks-url", jwks.url()});
    const auto suite = run_foreign_token_cases(target);
    ASSERT_EQ(suite.scenarios.size(), 3u);
    EXPECT_EQ(named(suite, "another pool's access token is refused").status, Status::passed)
        << failures(named(suite, "another pool's access token is refused"));
  }
  auto [own, target] = own_jira_mcp({"--no-client-check", "--no-issuer-check", "--jwks-url", jwks.url()});
  expect_only(run_foreign_token_cases(target),
              {"another pool's access token is refused", "another app client's access token is refused"},
              "accepts a token it must refuse");
}

constexpr const char* kForeignSession =
    "POST /messages/ with another user's token, an unknown session_id or none reaches nobody's SSE stream";
constexpr const char* kTokenOnEveryPost =
    "POST /messages/ is refused without a valid token of its own, though the SSE stream's was valid";

TEST_F(CognitoSabotage, UntouchedServersPassTheSseSessionCases) {
  const auto suite = run_sse_session_cases(stack());
  ASSERT_EQ(suite.scenarios.size(), 2u);
  for (const auto& result : suite.scenarios) EXPECT_EQ(result.status, Status::passed) << result.name << "\n" << failures(result);
}

// The token checked only when the stream opens: a POST without a valid token runs as bob, whose
// stream it opened, and so does alice's POST naming his session (her token is never looked at).
TEST_F(CognitoSabotage, ServerCheckingTheTokenOnlyOnTheSseStreamFailsBothSessionCases) {
  auto [own, target] = own_server("github-mcp", {"--unsafe-sse-token-on-stream-only"});
  const auto suite = run_sse_session_cases(target);
  ASSERT_EQ(suite.scenarios.size(), 2u);
  const auto& tokenless = named(suite, kTokenOnEveryPost);
  EXPECT_EQ(tokenless.status, Status::failed);
  EXPECT_THAT(failures(tokenless), HasSubstr("finding on github-mcp: checks the token only when the SSE stream opens"));
  EXPECT_THAT(failures(tokenless), HasSubstr("no_ledger_entry: true"));
  EXPECT_THAT(failures(tokenless), HasSubstr("the ledger entry GET /user/repos → 200 carries bob's credential"));
  EXPECT_THAT(failures(tokenless), HasSubstr("1 message(s) on the stream"));
  const auto& foreign = named(suite, kForeignSession);
  EXPECT_EQ(foreign.status, Status::failed);
  EXPECT_THAT(failures(foreign), HasSubstr("finding on github-mcp: serves another user's session"));
}

// A session that any user may post to: alice's call runs as alice, and its answer goes on bob's
// stream; the token itself is still checked on every POST.
TEST_F(CognitoSabotage, ServerLettingAnyUserPostToASessionFailsTheForeignSessionCase) {
  auto [own, target] = own_server("github-mcp", {"--unsafe-sse-session-any-user"});
  const auto suite = run_sse_session_cases(target);
  ASSERT_EQ(suite.scenarios.size(), 2u);
  EXPECT_EQ(named(suite, kTokenOnEveryPost).status, Status::passed) << failures(named(suite, kTokenOnEveryPost));
  const auto& foreign = named(suite, kForeignSession);
  EXPECT_EQ(foreign.status, Status::failed);
  EXPECT_THAT(failures(foreign), HasSubstr("finding on github-mcp: serves another user's session"));
  EXPECT_THAT(failures(foreign), HasSubstr("| HTTP 202"));
  EXPECT_THAT(failures(foreign), HasSubstr("carries alice's credential"));
  EXPECT_THAT(failures(foreign), HasSubstr("1 message(s) on the stream"));
}

}  // namespace
}  // namespace mcph::harness::scenario
