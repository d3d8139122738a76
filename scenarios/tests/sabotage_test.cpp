// Proof that the scenario suites catch real breakage. Each test brings up its own stack, breaks
// it through Vault's public API the way a wrong deployment would, runs the scenario files, and
// expects them to FAIL — for the right reason, named in the failures the reports show. A harness
// that stays green under any of these is broken.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include <algorithm>

#include "mcph/harness/provision/keycloak_admin.h"
#include "mcph/harness/stack/local_stack.h"
#include "mcph/harness/stack/profile_provisioning.h"
#include "mcph/harness/scenario/scenario_loader.h"
#include "mcph/harness/scenario/scenario_runner.h"
#include "mcph/harness/stack/supervised_stack.h"
#include "mcph/vault/client.h"
#include "own_servers.h"

namespace mcph::harness::scenario {
namespace {

using ::testing::HasSubstr;
using Json = nlohmann::json;
using Status = reports::ScenarioResult::Status;

class Sabotage : public ::testing::Test {
 protected:
  void SetUp() override {
    stack::SupervisedStackOptions options;
    options.stack = stack::scenario_suite_params();
    stack_ = stack::SupervisedStack::start(options);
  }

  const stack::StackFile& stack() const { return stack_->stack(); }

  // A Vault call with the root token, as an operator (or a bad deployment script) would make.
  Json vault(const std::string& method, const std::string& path, const Json& body = nullptr) {
    vault::Client client(stack().service("vault").url);
    const auto response = client.request(method, path, stack().service("vault").vault.token, body.is_null() ? "" : body.dump());
    EXPECT_LT(response.status, 300) << method << " " << path << ": " << response.body;
    return response.body.empty() ? Json() : Json::parse(response.body);
  }

  std::vector<reports::SuiteResult> run(const std::vector<std::string>& suites) { return run_on(stack(), suites); }

  static std::vector<reports::SuiteResult> run_on(const stack::StackFile& target, const std::vector<std::string>& suites) {
    ScenarioRunner runner(target);
    std::vector<reports::SuiteResult> results;
    for (const auto& suite : suites) {
      results.push_back(runner.run(load_scenario_file(std::string(MCPH_SCENARIOS_DIR) + "/" + suite + ".yaml")));
    }
    return results;
  }

  static const reports::ScenarioResult& scenario(const std::vector<reports::SuiteResult>& results,
                                                 const std::string& suite, const std::string& name) {
    for (const auto& s : results) {
      for (const auto& result : s.scenarios) {
        if (s.name == suite && result.name == name) return result;
      }
    }
    throw std::runtime_error("no scenario " + suite + " / " + name);
  }

  // Every failure as "expectation → actual", one per line, for assertions and messages.
  static std::string failures(const reports::ScenarioResult& result) {
    std::string out;
    for (const auto& failure : result.failures) {
      out += failure.step + " | " + failure.expectation + " | " + failure.actual + "\n";
    }
    return out + result.message;
  }

  // The scenario failed, and its failures name each of `reasons`.
  static void expect_caught(const std::vector<reports::SuiteResult>& results, const std::string& suite,
                            const std::string& name, std::initializer_list<const char*> reasons) {
    const auto& result = scenario(results, suite, name);
    EXPECT_EQ(result.status, Status::failed) << suite << " / " << name;
    for (const char* reason : reasons) EXPECT_THAT(failures(result), HasSubstr(reason)) << suite << " / " << name;
  }

  // `from`'s entity alias moved onto `onto`'s entity: `from`'s JWT now logs in as `onto`. Vault
  // allows one alias per mount on an entity: `onto`'s own goes first (as an operator would have
  // to do to make this mistake).
  void move_alias(const std::string& from, const std::string& onto) {
    const Json target = vault("GET", "identity/entity/name/" + onto)["data"];
    const Json source = vault("GET", "identity/entity/name/" + from)["data"];
    ASSERT_EQ(target["aliases"].size(), 1u);
    ASSERT_EQ(source["aliases"].size(), 1u);
    vault("DELETE", "identity/entity-alias/id/" + target["aliases"][0]["id"].get<std::string>());
    const Json& alias = source["aliases"][0];
    vault("POST", "identity/entity-alias/id/" + alias["id"].get<std::string>(),
          {{"name", alias["name"]}, {"mount_accessor", alias["mount_accessor"]}, {"canonical_id", target["id"]}});
  }

  // Vault's JWT role takes tokens issued to the user's client too, as the original demo's did.
  void bind_role_to_the_users_client() {
    Json role = vault("GET", "auth/jwt/role/user")["data"];
    role["bound_audiences"] = Json::array({"vault", "mcp-client"});
    vault("POST", "auth/jwt/role/user", role);
  }

  // A jira-mcp of the test's own beside the stack's, with the stack's backends and `flags`, and a
  // copy of the stack file in which jira-mcp is that one: a server started the wrong way.
  struct OwnServer {
    proc::StartedService service;
    stack::StackFile stack;
  };
  OwnServer own_jira_mcp(std::vector<std::string> flags) const { return own_server("jira-mcp", std::move(flags)); }
  OwnServer own_server(const std::string& name, std::vector<std::string> flags) const {
    OwnServer own{start_own_server(stack(), name, ServerRoute::direct, std::move(flags)), stack()};
    own.stack.services[name].url = own.service.url + "/mcp";
    return own;
  }

  std::unique_ptr<stack::SupervisedStack> stack_;
};

TEST_F(Sabotage, UntouchedStackPassesTheSuitesTheSabotagesBreak) {
  const auto results = run({"isolation", "missing_credentials", "cross_subject", "dynamic_database", "jwt_attacks"});
  for (const auto& suite : results) {
    for (const auto& result : suite.scenarios) {
      EXPECT_EQ(result.status, Status::passed) << suite.name << " / " << result.name << "\n" << failures(result);
    }
  }
  // The reference servers keep a user's Vault session until the token's exp: a disabled user's
  // or a signed-out session's token goes on working there, a finding within its bound.
  for (const char* name : {"a disabled user's token is accepted by a server holding a session for the user, until its exp",
                           "a signed-out session's token is accepted by a server holding a session for the user, until its exp"}) {
    const auto& findings = scenario(results, "jwt_attacks", name).findings;
    ASSERT_EQ(findings.size(), 1u) << name;
    EXPECT_TRUE(findings.front().bounded()) << name;
    EXPECT_THAT(findings.front().bound, HasSubstr("at most 300 s")) << name;
  }
}

// (a) user-secrets without templating: every user may read every user's secrets. The servers
// still behave (they read the caller's own path), so only a probe of the policy catches it.
TEST_F(Sabotage, PermissivePolicyIsCaughtByTheCrossSubjectProbe) {
  vault("PUT", "sys/policies/acl/user-secrets",
        {{"policy", "path \"secret/data/users/*\" { capabilities = [\"read\"] }\n"
                    "path \"database/creds/*\" { capabilities = [\"read\"] }\n"}});
  const auto results = run({"isolation", "cross_subject", "dynamic_database"});

  const auto& probe = scenario(results, "cross_subject", "alice's Vault token is denied bob's and carol's paths");
  EXPECT_EQ(probe.status, Status::failed);
  EXPECT_THAT(failures(probe), HasSubstr("→ Vault GET secret/data/users/bob/github | http_status: 403"));
  EXPECT_THAT(failures(probe), HasSubstr("HTTP 200"));
  const auto& database = scenario(results, "dynamic_database", "a user cannot read another user's database role through Vault");
  EXPECT_EQ(database.status, Status::failed);
  EXPECT_THAT(failures(database), HasSubstr("http_status: 403"));
  // The servers themselves still use each caller's own credentials: the policy is what broke.
  EXPECT_EQ(scenario(results, "isolation", "alice reads a Jira issue with her own Jira credential").status, Status::passed);
}

// (b) bob's entity alias moved onto alice's entity: bob's JWT now logs in as alice.
TEST_F(Sabotage, BobsAliasOnAlicesEntityIsCaughtByIsolationAndMissingCredentials) {
  move_alias("bob", "alice");
  const auto results = run({"isolation", "missing_credentials"});

  const auto& whoami = scenario(results, "isolation", "Vault says each user is their own entity");
  EXPECT_EQ(whoami.status, Status::failed);
  EXPECT_THAT(failures(whoami), HasSubstr("entity_name: bob"));
  EXPECT_THAT(failures(whoami), HasSubstr("| entity alice"));

  const auto& github = scenario(results, "isolation", "alice and bob reach GitHub each with their own token");
  EXPECT_EQ(github.status, Status::failed);
  EXPECT_THAT(failures(github), HasSubstr("backend_credential_of: bob"));
  EXPECT_THAT(failures(github), HasSubstr("carries alice's credential"));

  const auto& jira = scenario(results, "missing_credentials", "bob has no Jira credential");
  EXPECT_EQ(jira.status, Status::failed);
  EXPECT_THAT(failures(jira), HasSubstr("no_ledger_entry: true"));
  EXPECT_THAT(failures(jira), HasSubstr("carries alice's credential"));
}

// (c) the JWT role keyed on a claim every user shares (azp = the client): every login lands on
// one new entity that is nobody's, so nobody gets their own credentials.
TEST_F(Sabotage, UserClaimSharedByEveryUserIsCaughtByIsolation) {
  Json role = vault("GET", "auth/jwt/role/user")["data"];
  role["user_claim"] = "azp";
  vault("POST", "auth/jwt/role/user", role);
  const auto results = run({"isolation"});

  const auto& whoami = scenario(results, "isolation", "Vault says each user is their own entity");
  EXPECT_EQ(whoami.status, Status::failed);
  EXPECT_THAT(failures(whoami), HasSubstr("entity_name: alice"));
  EXPECT_THAT(failures(whoami), HasSubstr("entity_name: bob"));

  const auto& jira = scenario(results, "isolation", "alice reads a Jira issue with her own Jira credential");
  EXPECT_EQ(jira.status, Status::failed);
  EXPECT_THAT(failures(jira), HasSubstr("ok: true"));
  EXPECT_THAT(failures(jira), HasSubstr("no_credentials"));
}

// Family 8 (jwt_attacks). (e) Vault's role bound to the audience of the user's client as well
// as Vault's, as the original demo had it: a token issued for the MCP servers logs in to Vault.
TEST_F(Sabotage, VaultRoleTakingTheServersTokensIsCaughtByJwtAttacks) {
  bind_role_to_the_users_client();
  const auto results = run({"jwt_attacks"});
  expect_caught(results, "jwt_attacks",
                "control: a token issued for the servers works at each, and Vault takes only its exchanged form",
                {"sent to Vault as it is | http_status: 400", "HTTP 200"});
  expect_caught(results, "jwt_attacks", "a token issued for jira-mcp works there only",
                {"Vault's JWT login refuses it too | http_status: 400"});
  // Forged tokens still fail on their signatures: the role's audience is what broke.
  EXPECT_EQ(scenario(results, "jwt_attacks", "alg none").status, Status::passed);
}

// (f) a server that takes any token of the realm's client (no audience of its own).
TEST_F(Sabotage, ServerWithoutItsOwnAudienceIsCaughtByJwtAttacks) {
  const auto own = own_jira_mcp({"--audience", "mcp-client"});
  const auto results = run_on(own.stack, {"jwt_attacks"});
  expect_caught(results, "jwt_attacks", "a token issued for postgres-mcp is refused by jira-mcp and github-mcp",
                {"sends jira-mcp's probe | http_status: 401", "HTTP 200"});
  // The type check still refuses ID tokens, whose audience is the client.
  EXPECT_EQ(scenario(results, "jwt_attacks", "an ID token").status, Status::passed);
}

// (g) the same server without the token type check: an ID token is taken for an access token.
TEST_F(Sabotage, ServerWithoutTheTokenTypeCheckIsCaughtByJwtAttacks) {
  const auto own = own_jira_mcp({"--audience", "mcp-client", "--no-token-type-check"});
  expect_caught(run_on(own.stack, {"jwt_attacks"}), "jwt_attacks", "an ID token",
                {"sends jira-mcp's probe | http_status: 401"});
}

// (h) token passthrough: a server that logs in to Vault with its caller's own token, as the
// original demo's do. Its stack file says so (vault_login caller_token), so Vault's role takes the
// users' client's audience too, as `run` makes it (fit_vault_to_target_profiles): the server's
// calls work and isolation holds, and the passthrough is still caught — by the logins' azp in
// Vault's audit log, not by Vault refusing them.
TEST_F(Sabotage, TokenPassthroughIsCaughtByJwtAttacksAndNothingElse) {
  auto own = own_jira_mcp({"--audience", stack().service("jira-mcp").url, "--vault-login", "passthrough"});
  own.stack.services["jira-mcp"].mcp.vault_login = "caller_token";
  stack::fit_vault_to_target_profiles(own.stack, {}, {});
  EXPECT_EQ(vault("GET", "auth/jwt/role/user")["data"]["bound_audiences"], (Json{"vault", "mcp-client"}));

  const auto results = run_on(own.stack, {"isolation", "missing_credentials", "jwt_attacks"});
  for (const char* name : {"alice reads a Jira issue with her own Jira credential", "alice's Jira call reads only alice's secret in Vault"}) {
    const auto& result = scenario(results, "isolation", name);
    EXPECT_EQ(result.status, Status::passed) << name << "\n" << failures(result);
  }
  EXPECT_EQ(scenario(results, "missing_credentials", "bob has no Jira credential").status, Status::passed);
  expect_caught(results, "jwt_attacks",
                "the servers log in to Vault with tokens exchanged for their own client, never the user's",
                {"vault_login_client: jira-mcp", "passed its caller's token through to Vault"});
  // With no exchange, nothing asks Keycloak about the user behind a token: Vault verifies it
  // locally, so a disabled user's or a signed-out session's token is taken at once.
  for (const char* name : {"a disabled user's token is refused where no server holds a session for the user",
                           "a signed-out session's token is refused where no server holds a session for the user"}) {
    expect_caught(results, "jwt_attacks", name, {"jira.list_issues", "ok: false"});
  }

  // A stack file of servers that exchange their tokens puts the role back.
  stack::fit_vault_to_target_profiles(stack(), {}, {});
  EXPECT_EQ(vault("GET", "auth/jwt/role/user")["data"]["bound_audiences"], (Json{"vault"}));
}

// (i) postgres-mcp running each query in its pipeline's implicit transaction, as it once did: a
// DO block or a procedure that commits ends the read-only transaction, and its write stays.
TEST_F(Sabotage, AQueryOutsideARolledBackBlockIsCaughtByDynamicDatabase) {
  const auto own = own_server("postgres-mcp", {"--audience", stack().service("postgres-mcp").url, "--no-rollback"});
  const auto results = run_on(own.stack, {"dynamic_database"});
  expect_caught(results, "dynamic_database", "no query writes, whatever its role may and whatever form it takes",
                {"tool_error_contains: invalid transaction termination", "the table holds its one row, unchanged"});
  expect_caught(results, "dynamic_database", "a call leaves nothing in its pooled session for the next",
                {"the lock was released with the call"});
  EXPECT_EQ(scenario(results, "dynamic_database", "current_user differs per user and the roles exist in PostgreSQL").status,
            Status::passed);
}

// (j) a jira-mcp whose workers take requests at their first bytes: slow clients hold them all,
// and alice waits.
TEST_F(Sabotage, AServerWhoseWorkersWaitForSlowClientsIsCaughtByProtocol) {
  const auto own = own_jira_mcp({"--audience", stack().service("jira-mcp").url, "--no-request-gathering"});
  ScenarioRunner runner(own.stack);
  const auto results = std::vector<reports::SuiteResult>{
      runner.run(load_scenario_file(std::string(MCPH_SCENARIOS_DIR) + "/protocol.yaml"),
                 {"256 slow clients take no worker from alice at jira-mcp"})};
  // alice's request waits for a worker longer than the harness's client waits for an answer
  // (10 s): the step is reported broken, naming it.
  const auto& result = scenario(results, "protocol", "256 slow clients take no worker from alice at jira-mcp");
  EXPECT_NE(result.status, Status::passed);
  EXPECT_THAT(failures(result), HasSubstr("alice's initialize is answered at once"));
  EXPECT_THAT(failures(result), HasSubstr("no answer could be read"));
}

// (m) a jira-mcp that decodes %2F before routing: "/.well-known%2Foauth-protected-resource"
// is served as the metadata a proxy never saw asked for.
TEST_F(Sabotage, AServerThatRoutesAnEncodedSlashIsCaughtByProtocol) {
  const auto own = own_jira_mcp({"--audience", stack().service("jira-mcp").url, "--unsafe-decode-encoded-slash"});
  ScenarioRunner runner(own.stack);
  const char* name = "an encoded slash in a path is never routed as a separator";
  const auto results = std::vector<reports::SuiteResult>{
      runner.run(load_scenario_file(std::string(MCPH_SCENARIOS_DIR) + "/protocol.yaml"), {name})};
  expect_caught(results, "protocol", name, {"jira-mcp", "http_status: 400", "HTTP 200"});
  const auto& findings = scenario(results, "protocol", name).findings;
  ASSERT_EQ(findings.size(), 1u) << "github-mcp and postgres-mcp still refuse it";
  EXPECT_EQ(findings.front().property, "reads a request a proxy could read differently");
}

// (q) a jira-mcp whose rate limit counts HTTP requests: a batch of 25 calls, beyond its limit of
// 20 a second, runs whole. rate_limit's batch case finds it there, and only there.
TEST_F(Sabotage, AServerChargingABatchAsOneCallIsCaughtByRateLimit) {
  const stack::RateLimit& limit = *stack().service("jira-mcp").mcp.rate_limit;
  const auto own = own_jira_mcp({"--audience", stack().service("jira-mcp").url, "--rate-limit",
                                 std::to_string(limit.requests), "--rate-window-ms",
                                 std::to_string(limit.window.count()), "--unsafe-uncharged-batches"});
  ScenarioRunner runner(own.stack);
  const char* name = "a batch of more calls than the limit is refused whole, and a small batch is answered";
  const auto results = std::vector<reports::SuiteResult>{
      runner.run(load_scenario_file(std::string(MCPH_SCENARIOS_DIR) + "/rate_limit.yaml"), {name})};
  expect_caught(results, "rate_limit", name, {"a batch of 25 calls", "http_status: 429", "HTTP 200"});
  const auto& findings = scenario(results, "rate_limit", name).findings;
  ASSERT_EQ(findings.size(), 1u) << "github-mcp and postgres-mcp still charge every call";
  EXPECT_EQ(findings.front().server, "jira-mcp");
  EXPECT_EQ(findings.front().property, "a batch of calls escapes the rate limit");
}

// (o) HTTP+SSE: a github-mcp that checks the token only when the stream opens runs a POST
// without a valid token, and alice's POST on bob's session, as bob; one that lets any user post
// to a session puts alice's answer on bob's stream. cross_subject's SSE cases find each.
TEST_F(Sabotage, SseServersTrustingTheStreamAreCaughtByCrossSubject) {
  constexpr const char* kForeignSession =
      "POST /messages/ with another user's token, an unknown session_id or none reaches nobody's SSE stream";
  constexpr const char* kTokenOnEveryPost =
      "POST /messages/ is refused without a valid token of its own, though the SSE stream's was valid";
  const auto run_sse_cases = [](const stack::StackFile& target) {
    ScenarioFile file = load_scenario_file(std::string(MCPH_SCENARIOS_DIR) + "/cross_subject.yaml");
    std::erase_if(file.scenarios, [](const Scenario& scenario) { return scenario.transport != mcp::Transport::sse; });
    EXPECT_EQ(file.scenarios.size(), 2u);
    return std::vector<reports::SuiteResult>{ScenarioRunner(target).run(file)};
  };
  const auto found_on_github = [](const reports::ScenarioResult& result, const std::string& property) {
    return std::any_of(result.findings.begin(), result.findings.end(), [&](const reports::Finding& finding) {
      return finding.server == "github-mcp" && finding.property == property;
    });
  };
  const std::string audience = stack().service("github-mcp").url;
  {
    const auto own = own_server("github-mcp", {"--audience", audience, "--unsafe-sse-token-on-stream-only"});
    const auto results = run_sse_cases(own.stack);
    expect_caught(results, "cross_subject", kTokenOnEveryPost, {"no_ledger_entry: true", "carries bob's credential"});
    EXPECT_TRUE(found_on_github(scenario(results, "cross_subject", kTokenOnEveryPost),
                                "checks the token only when the SSE stream opens"));
    expect_caught(results, "cross_subject", kForeignSession, {"http_status: 404", "carries bob's credential"});
    EXPECT_TRUE(found_on_github(scenario(results, "cross_subject", kForeignSession), "serves another user's session"));
  }
  {
    const auto own = own_server("github-mcp", {"--audience", audience, "--unsafe-sse-session-any-user"});
    const auto results = run_sse_cases(own.stack);
    EXPECT_EQ(scenario(results, "cross_subject", kTokenOnEveryPost).status, Status::passed)
        << failures(scenario(results, "cross_subject", kTokenOnEveryPost));
    expect_caught(results, "cross_subject", kForeignSession,
                  {"1 message(s) on the stream", "carries alice's credential"});
    EXPECT_TRUE(found_on_github(scenario(results, "cross_subject", kForeignSession), "serves another user's session"));
  }
}

// (k) a jira-mcp whose tools that write need no scope beyond its own: a token without
// jira-mcp.write creates an issue.
TEST_F(Sabotage, AServerThatIgnoresToolScopesIsCaughtByJwtAttacks) {
  const auto own = own_jira_mcp({"--audience", stack().service("jira-mcp").url, "--unsafe-ignore-tool-scopes"});
  ScenarioRunner runner(own.stack);
  const char* name = "a tool that writes needs its write scope, and a token without it gets 403 insufficient_scope";
  const auto results = std::vector<reports::SuiteResult>{
      runner.run(load_scenario_file(std::string(MCPH_SCENARIOS_DIR) + "/jwt_attacks.yaml"), {name})};
  expect_caught(results, "jwt_attacks", name, {"jira.create_issue", "http_status: 403", "HTTP 200"});
}

// (l) a realm whose access tokens live an hour: a server that checks tokens locally acts for a
// disabled user or a signed-out session for up to that hour, past the 300 s the scenarios accept.
TEST_F(Sabotage, HourLongTokensAreCaughtByTheBoundOnSignedOutTokens) {
  const stack::ServiceEntry& keycloak = stack().service("keycloak");
  provision::KeycloakAdmin(keycloak.url, keycloak.idp.user(), keycloak.idp.password()).update_realm(stack().realm, {{"accessTokenLifespan", 3600}});
  const std::vector<std::string> bounded = {
      "a disabled user's token is accepted by a server holding a session for the user, until its exp",
      "a signed-out session's token is accepted by a server holding a session for the user, until its exp"};
  ScenarioRunner runner(stack());
  const auto results = std::vector<reports::SuiteResult>{
      runner.run(load_scenario_file(std::string(MCPH_SCENARIOS_DIR) + "/jwt_attacks.yaml"), bounded)};
  for (const std::string& name : bounded) {
    expect_caught(results, "jwt_attacks", name, {"accepted_for_at_most_s: 300", "beyond 300 s"});
    const auto& findings = scenario(results, "jwt_attacks", name).findings;
    ASSERT_EQ(findings.size(), 1u) << name;
    EXPECT_FALSE(findings.front().bounded()) << name;
  }
}

// Family 10 (isolation under load) in a size for this stack's eight users: six interleaved on
// every server, two probing the rate limit.
ScenarioFile small_load() {
  return parse_scenario_file(R"(suite: load_sabotage
family: load
needs: {generated_users: 8, rate_limit: {requests: 20, window_ms: 1000}}
scenarios:
  - name: six users under load
    steps:
      - load:
          users: 6
          connections: [4]
          calls: 300
          servers:
            jira: {tool: get_issue, args: {issue_key: DEMO-1}}
            github: {tool: list_repos}
            postgres: {tool: execute_query, args: {query: "SELECT current_user AS who"}, role_at: /rows/0/who}
          rate_limit_probe: {users: 2, calls: 960}
        expect: {cross_user_calls: 0, calls_without_entry: 0, rate_limit_violations: 0}
)", "load_sabotage.yaml");
}

reports::ScenarioResult run_small_load(const stack::StackFile& target) {
  ScenarioRunner runner(target);
  const auto suite = runner.run(small_load());
  return suite.scenarios.at(0);
}

// The probe tests every server's limit (else rate_limit_violations is inconclusive) and stops
// once it has: 960 calls per probe user and server at most, far fewer needed.
TEST_F(Sabotage, UntouchedStackPassesTheLoad) {
  const auto result = run_small_load(stack());
  EXPECT_EQ(result.status, Status::passed) << failures(result);
  const auto& checks = result.steps.at(0).checks;
  const auto violations = std::find_if(checks.begin(), checks.end(), [](const reports::Check& check) {
    return check.expectation.rfind("rate_limit_violations", 0) == 0;
  });
  ASSERT_NE(violations, checks.end());
  const std::size_t of = violations->actual.find("(of ");
  ASSERT_NE(of, std::string::npos) << violations->actual;
  const long calls = std::stol(violations->actual.substr(of + 4));
  EXPECT_LT(calls, 3000) << "300 calls and the warm-up's 18, then the probe's: 2 users × 3 servers × 960 at most";
}

// (i) under load: user0002's alias on user0001's entity — user0002's calls reach the backends with
// user0001's credentials, and postgres-mcp runs them as user0001's role.
TEST_F(Sabotage, AMovedAliasIsCaughtUnderLoadAsCrossUserCalls) {
  move_alias("user0002", "user0001");
  const auto result = run_small_load(stack());
  EXPECT_EQ(result.status, Status::failed);
  EXPECT_THAT(failures(result), HasSubstr("cross_user_calls: 0"));
  EXPECT_THAT(failures(result), HasSubstr("a backend request with the credential of user0001"));
  EXPECT_THAT(failures(result), HasSubstr("ran as database role v-"));
}

// (j) a jira-mcp without its rate limit, where the stack says it has one: the probe's calls are
// all accepted.
TEST_F(Sabotage, AServerWithoutItsRateLimitIsCaughtByTheLoadsProbe) {
  const auto own = own_jira_mcp({"--audience", stack().service("jira-mcp").url});
  const auto result = run_small_load(own.stack);
  EXPECT_EQ(result.status, Status::failed);
  EXPECT_THAT(failures(result), HasSubstr("rate_limit_violations: 0"));
  EXPECT_THAT(failures(result), HasSubstr("requests accepted within"));
  EXPECT_THAT(failures(result), ::testing::Not(HasSubstr("cross_user_calls")));
}

}  // namespace
}  // namespace mcph::harness::scenario
