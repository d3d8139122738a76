#include "sample_report.h"

namespace mcph::reports::testing {

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
    ok.flows = {sample_flow("alice", "5f0c2a64-3b7e-4d8a-9a51-0c7f3f7b2e11", "a1b2"),
                sample_flow("bob", "9d41e2c0-7a55-4f0e-b3c2-6e8a1d4c9f20", "c3d4")};
    ok.trace_file = "traces/isolation/alice-and-bob-jira.json";
    isolation.scenarios.push_back(ok);

    ScenarioResult leak;
    leak.name = "a cached Vault token is keyed on the verified subject";
    leak.description = "bob calls right after alice; the server must not reuse alice's cached Vault token.";
    leak.status = Status::failed;
    leak.seconds = 0.733;
    leak.failures = {
        {"3: bob calls github.list_repos", "backend_credential_of: bob (token ****c3d4)",
         "credential ****a1b2 (alice) reached mock-github GET /user/repos"},
        {"4: ledger check", "no request of bob's carries alice's credential", "1 request of bob's carried ****a1b2"},
    };
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
  return report;
}

}  // namespace mcph::reports::testing
