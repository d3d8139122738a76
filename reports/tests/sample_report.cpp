#include "sample_report.h"

namespace mcph::reports::testing {

namespace {

using Verdict = Check::Verdict;

Check held(std::string expectation, std::string seen, std::string where = {}) {
  return {std::move(expectation), Verdict::held, std::move(seen), std::move(where)};
}
Check failed(std::string expectation, std::string actual, std::string where = {}) {
  return {std::move(expectation), Verdict::failed, std::move(actual), std::move(where)};
}

StepRecord step(std::string title, std::string server, double ms, int status, std::vector<Check> checks) {
  StepRecord record;
  record.title = std::move(title);
  record.server = std::move(server);
  record.ms = ms;
  record.http_status = status;
  record.checks = std::move(checks);
  return record;
}

// The failures a runner derives from the steps' failed checks.
std::vector<Failure> failures_of_steps(const std::vector<StepRecord>& steps) {
  std::vector<Failure> failures;
  for (const StepRecord& record : steps) {
    for (Failure& failure : failures_of(record)) failures.push_back(std::move(failure));
  }
  return failures;
}

StepRecord jira_call(const std::string& number, const std::string& user, const std::string& tail, double ms) {
  return step(number + ": " + user + " calls jira.get_issue", "jira-mcp", ms, 200,
              {held("ok: true", "HTTP 200, ok: {\"key\":\"DEMO-1\",\"summary\":\"Login page returns 500\"}"),
               held("backend_credential_of: " + user,
                    "the ledger entry GET /rest/api/2/issue/DEMO-1 → 200 carries " + user + "'s credential ****" + tail),
               held("vault_audit: own_paths_only",
                    user + "'s entity touched only " + user + "'s paths: secret/data/users/" + user + "/jira")});
}

}  // namespace

UserFlow sample_flow(const std::string& user, const std::string& uuid, const std::string& credential_tail) {
  UserFlow flow;
  flow.user = user;
  flow.steps = {
      {"Login", "Keycloak password grant, client mcp-client → access token ****x7Qw"},
      {"JWT claims", "sub " + uuid + " · preferred_username " + user + " · aud mcp-client · exp in 300 s"},
      {"MCP request", "POST /mcp tools/call jira.get_issue {\"key\": \"DEMO-1\"} → 200"},
      {"Vault login", "auth/jwt/login role user → entity " + user + " (alias " + uuid + ") · policies default, user-secrets"},
      {"Vault path", "secret/data/users/" + user + "/jira"},
      {"Credential", "api_token ****" + credential_tail},
      {"Backend ledger", "mock-jira GET /rest/api/2/issue/DEMO-1 presented ****" + credential_tail + " · 200"},
  };
  return flow;
}

RunReport sample_report() {
  using Status = ScenarioResult::Status;
  RunReport report;
  report.title = "mcp-harness scenario run";
  report.started_at = "2025-05-01T12:00:00Z";
  report.seconds = 14.25;
  report.stack_mode = "local";
  report.stack_file = "/tmp/mcph-run-41x9/stack.json";

  SuiteResult isolation;
  isolation.file = "scenarios/isolation.yaml";
  isolation.name = "isolation";
  isolation.family = "isolation";
  {
    ScenarioResult ok;
    ok.name = "alice and bob each reach Jira with their own token";
    ok.description = "Both users call jira.get_issue; the ledger must show each user's own API token.";
    ok.status = Status::passed;
    ok.seconds = 0.412;
    ok.steps = {jira_call("1", "alice", "a1b2", 14.2), jira_call("2", "bob", "c3d4", 6.8)};
    ok.flows = {sample_flow("alice", "5f0c2a64-3b7e-4d8a-9a51-0c7f3f7b2e11", "a1b2"),
                sample_flow("bob", "9d41e2c0-7a55-4f0e-b3c2-6e8a1d4c9f20", "c3d4")};
    ok.trace_file = "traces/isolation/alice-and-bob-jira.json";
    isolation.scenarios.push_back(ok);

    ScenarioResult leak;
    leak.name = "a cached Vault token is keyed on the verified subject";
    leak.description = "bob calls right after alice; the server must not reuse alice's cached Vault token.";
    leak.status = Status::failed;
    leak.seconds = 0.733;
    leak.steps = {
        step("1: alice calls github.list_repos", "github-mcp", 21.5, 200,
             {held("ok: true", "HTTP 200, ok: [{\"name\":\"demo-api\"}]"),
              held("backend_credential_of: alice", "the ledger entry GET /user/repos → 200 carries alice's credential ****a1b2")}),
        step("2: bob calls github.list_repos", "github-mcp", 3.1, 200,
             {held("ok: true", "HTTP 200, ok: [{\"name\":\"demo-api\"}]")}),
        step("3: bob calls github.list_repos", "github-mcp", 2.9, 200,
             {failed("backend_credential_of: bob (token ****c3d4)",
                     "credential ****a1b2 (alice) reached mock-github GET /user/repos"),
              held("ok: true", "HTTP 200, ok: [{\"name\":\"demo-api\"}]")}),
        step("4: ledger check", "", 0.4, 0,
             {failed("no request of bob's carries alice's credential", "1 request of bob's carried ****a1b2")}),
    };
    leak.failures = failures_of_steps(leak.steps);
    leak.findings = {{"github-mcp", "reuses-another-users-cached-credential", "reuses another user's cached credential", "3: bob calls github.list_repos",
                      "backend_credential_of: bob; got credential ****a1b2 (alice) at mock-github GET /user/repos", {}, {}, {}}};
    UserFlow bob = sample_flow("bob", "9d41e2c0-7a55-4f0e-b3c2-6e8a1d4c9f20", "a1b2");
    bob.steps[4].detail = "secret/data/users/alice/github  ← not bob's path";
    leak.flows = {sample_flow("alice", "5f0c2a64-3b7e-4d8a-9a51-0c7f3f7b2e11", "a1b2"), bob};
    leak.trace_file = "traces/isolation/cache-key.json";
    isolation.scenarios.push_back(leak);

    ScenarioResult db;
    db.name = "current_user differs per user on postgres-mcp";
    db.status = Status::passed;
    db.seconds = 1.204;
    isolation.scenarios.push_back(db);

    ScenarioResult undecided;
    undecided.name = "alice's Jira call reads only alice's secret in Vault";
    undecided.status = Status::error;
    undecided.seconds = 0.052;
    StepRecord read = step("1: alice calls jira.list_issues", "jira-mcp", 9.6, 200,
                           {held("ok: true", "HTTP 200, ok: [\"DEMO-1\",\"DEMO-2\"]"),
                            {"vault_audit: reads_own_secret", Verdict::inconclusive,
                             "2 reads of secret/data/users/alice/jira in the step's time window, by 2 callers; "
                             "the target does not forward traceparent, so they cannot be told apart",
                             "isolation.yaml:21"}});
    undecided.steps = {read};
    undecided.message = std::string(kInconclusivePrefix) + " 1: alice calls jira.list_issues: vault_audit: "
                        "reads_own_secret — 2 reads in the step's time window, by 2 callers";
    isolation.scenarios.push_back(undecided);
  }
  report.suites.push_back(isolation);

  SuiteResult attacks;
  attacks.file = "scenarios/jwt-attacks.yaml";
  attacks.name = "jwt-attacks";
  attacks.family = "jwt-attacks";
  {
    ScenarioResult none;
    none.name = "alg none is rejected with 401 invalid_token";
    none.status = Status::passed;
    none.seconds = 0.021;
    attacks.scenarios.push_back(none);

    ScenarioResult hs;
    hs.name = "HS256 signed with the RSA public key is rejected";
    hs.status = Status::passed;
    hs.seconds = 0.019;
    attacks.scenarios.push_back(hs);

    ScenarioResult jwks;
    jwks.name = "unknown kid triggers one JWKS refresh, then 401";
    jwks.description = "The JWKS endpoint is down for this scenario.";
    jwks.status = Status::error;
    jwks.seconds = 5.002;
    jwks.message = "fault proxy did not start: bind 127.0.0.1:0: address family not supported";
    jwks.trace_file = "traces/jwt-attacks/unknown-kid.json";
    attacks.scenarios.push_back(jwks);

    ScenarioResult claim;
    claim.name = "a token naming bob in preferred_username does not reach bob's secrets";
    claim.description = "alice's token, re-signed by the attacker with preferred_username bob.";
    claim.status = Status::failed;
    claim.seconds = 0.088;
    claim.steps = {
        step("1: token tamper for alice", "keycloak", 0.3, 0, {}),
        step("2: alice calls demo-jira.get_issue", "demo-jira-mcp", 31.7, 200,
             {failed("http_status: 401", "HTTP 200, ok: {\"key\":\"PROJ-1\"}", "jwt_attacks.yaml:40"),
              failed("backend_credential_of: alice",
                     "the ledger entry GET /rest/api/2/issue/PROJ-1 → 200 carries bob's credential ****9f3e",
                     "jwt_attacks.yaml:41")}),
        step("3: alice calls demo-jira.get_issue", "demo-jira-mcp", 12.2, 500,
             {failed("http_status: 401", "HTTP 500: Internal Server Error", "jwt_attacks.yaml:47")}),
    };
    claim.steps[1].trace_ids = {"4bf92f3577b34da6a3ce929d0e0e4736"};
    claim.failures = failures_of_steps(claim.steps);
    claim.findings = {
        {"demo-jira-mcp", "trusts-unverified-claim", "trusts an unverified claim", "2: alice calls demo-jira.get_issue",
         "http_status: 401; got HTTP 200 with bob's credential ****9f3e (path from preferred_username)", {}, {}, {}},
        {"demo-jira-mcp", "wrong-error-status", "answers with the wrong error status", "3: alice calls demo-jira.get_issue",
         "http_status: 401; got HTTP 500: Internal Server Error", {}, {}, {}},
    };
    claim.trace_file = "traces/jwt-attacks/unverified-claim.json";
    attacks.scenarios.push_back(claim);
  }
  report.suites.push_back(attacks);

  SuiteResult expiry;
  expiry.file = "scenarios/token-expiry.yaml";
  expiry.name = "token-expiry";
  expiry.family = "token-expiry";
  {
    ScenarioResult ok;
    ok.name = "an expired JWT gets 401 invalid_token";
    ok.status = Status::passed;
    ok.seconds = 6.11;
    ok.description = "Token lifespan 5 s: the first call works, the call after expiry gets 401.";
    expiry.scenarios.push_back(ok);

    ScenarioResult compose;
    compose.name = "Keycloak session idle timeout ends the refresh";
    compose.status = Status::skipped;
    compose.message = "needs compose mode (real Keycloak sessions)";
    expiry.scenarios.push_back(compose);
  }
  report.suites.push_back(expiry);

  SuiteResult rate;
  rate.file = "scenarios/rate_limit.yaml";
  rate.name = "rate_limit";
  rate.family = "rate limit";
  {
    ScenarioResult burst;
    burst.name = "a burst beyond the limit gets 429 with Retry-After, others are unaffected";
    burst.status = Status::passed;
    burst.seconds = 1.43;
    StepRecord calls = step("1: user0004 calls jira.list_issues 40 times", "jira-mcp", 118.0, 200,
                            {held("some_http_status: 429", "40 calls: 20 \u00d7 200, 20 \u00d7 429"),
                             held("retry_after: true", "Retry-After: 1"),
                             held("accepted_calls_at_least: 1", "20 of 40 calls succeeded")});
    calls.statuses.assign(20, 200);
    calls.statuses.insert(calls.statuses.end(), 20, 429);
    calls.retry_after = "1";
    burst.steps = {calls,
                   step("2: another user, right after the burst", "jira-mcp", 7.5, 200,
                        {held("ok: true", "HTTP 200, ok: [\"DEMO-1\"]"),
                         held("backend_credential_of: user0005",
                              "the ledger entry GET /rest/api/2/search → 200 carries user0005's credential ****u005")}),
                   step("3: wait 1.20 s", "", 1201.0, 0, {}),
                   step("4: the limited user after the window", "jira-mcp", 6.1, 200,
                        {held("ok: true", "HTTP 200, ok: [\"DEMO-1\"]"),
                         held("backend_credential_of: user0004",
                              "the ledger entry GET /rest/api/2/search → 200 carries user0004's credential ****u004")})};
    rate.scenarios.push_back(burst);
  }
  report.suites.push_back(rate);

  SuiteResult load;
  load.file = "scenarios/load.yaml";
  load.name = "load";
  load.family = "isolation under load";
  {
    ScenarioResult ramp;
    ramp.name = "1,000 users at rising concurrency, no call with another user's credential";
    ramp.status = Status::passed;
    ramp.seconds = 41.7;
    StepRecord ramp_step = step("1: load jira.get_issue, 1,000 users", "jira-mcp", 40100.0, 0,
                                {held("no_cross_user_calls: true", "100,000 calls, every ledger entry carries its caller's credential")});
    ramp_step.load = {{1, 5000, 0, 1180, 0.7, 1.1, 2.3, 9.8, ""},
                      {8, 20000, 0, 5400, 1.3, 2.4, 5.1, 31.0, ""},
                      {32, 35000, 2, 7100, 4.2, 8.8, 17.5, 120.4, ""},
                      {128, 40000, 11, 6900, 17.9, 33.0, 61.2, 410.0, ""}};
    ramp.steps = {ramp_step};
    load.scenarios.push_back(ramp);
  }
  report.suites.push_back(load);
  return report;
}

RunReport sample_report_with_a_bounded_finding() {
  RunReport report = sample_report();
  ScenarioResult scenario;
  scenario.name = "a signed-out session's token is accepted until its exp";
  scenario.seconds = 0.05;
  StepRecord step;
  step.title = "3: user0012 calls jira.list_issues";
  step.server = "jira-mcp";
  step.http_status = 200;
  step.checks = {{"accepted_for_at_most_s: 300", Check::Verdict::bounded,
                  "until the token's exp: at most 300 s (accepted, the token's exp 291 s away)", "jwt-attacks.yaml:77"}};
  scenario.steps.push_back(step);
  scenario.findings.push_back({"jira-mcp", "accepts-token-it-must-refuse", "accepts a token it must refuse", step.title,
                               "accepted_for_at_most_s: 300 — accepted", step.checks.front().actual, {}, {}});
  report.suites.at(1).scenarios.push_back(scenario);
  return report;
}

}  // namespace mcph::reports::testing
