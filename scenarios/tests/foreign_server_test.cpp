// The proof that target profiles and findings do their job: the scenario suites run,
// through a hand-written external stack file with the demo-python profile, against foreign-mcp
// (tests/foreign_server: the original demo's conventions — POST /sse, no traceparent, the
// backend's JSON as text, Jira Basic username:password, the demo's error texts, no words of its
// own for a dependency's failure). The harness skips, saying why, what does not apply to it;
// well-behaved, it passes every other scenario: the conventions alone fail nothing. With one
// defect switched on, the suites fail with exactly that defect's finding, and no other.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <set>
#include <stdexcept>

#include "mcph/harness/scenario/scenario_loader.h"
#include "mcph/harness/scenario/scenario_runner.h"
#include "sabotage_verdicts.h"
#include "mcph/harness/stack/supervised_stack.h"
#include "mcph/harness/fixtures/user_fixtures.h"
#include "mcph/proc/service.h"

namespace mcph::harness::scenario {
namespace {

using Status = reports::ScenarioResult::Status;

// The families run against the server of another author, every scenario of each: the harness
// itself must skip, saying why, what does not apply to it — the protocol family and the session
// case (Streamable HTTP's; foreign-mcp speaks the legacy POST /sse), and the faults of the IdP
// (foreign-mcp reaches Keycloak directly: the stack file does not put it behind the proxy for it).
const std::vector<std::string> kSuites = {"isolation", "missing_credentials", "cross_subject", "rate_limit", "jwt_attacks",
                                          "faults", "protocol"};
const std::string kBackendErrorText = "backend error text reaches the user";

// A skipped scenario is one that does not apply to foreign-mcp, for the reason the harness must
// give: Streamable HTTP's cases (protocol, the session case) and HTTP+SSE's (family 3's SSE
// sessions; foreign-mcp serves the demo's POST /sse only), a fault of the IdP, which
// foreign-mcp reaches directly, or a tool's own scope, which it declares none of. Anything else
// skipped is a scenario that should have run.
void expect_skipped_only_where_it_does_not_apply(const std::vector<Outcome>& outcomes) {
  std::size_t transport = 0, unreached = 0, unscoped = 0;
  for (const auto& outcome : outcomes) {
    if (outcome.status != Status::skipped) continue;
    const bool sse_cases = outcome.message.find("its cases are sse's") != std::string::npos;
    const bool other_transport =
        (outcome.message.find("its cases are streamable-http's") != std::string::npos || sse_cases) &&
        outcome.message.find("speaks legacy-sse-post") != std::string::npos;
    const bool idp_unreached = outcome.suite == "faults" &&
                               outcome.message.find("does not reach keycloak through the fault proxy") != std::string::npos;
    const bool no_write_scope = outcome.message.find("the stack file names none for github-mcp, jira-mcp") != std::string::npos;
    EXPECT_TRUE(other_transport || idp_unreached || no_write_scope) << "skipped for another reason: " << outcome.why();
    transport += other_transport;
    unreached += idp_unreached;
    unscoped += no_write_scope;
    if (other_transport) {
      // Sessions and their batches are Streamable HTTP's.
      EXPECT_TRUE(outcome.suite == "protocol" || outcome.scenario == "another user's Mcp-Session-Id is not found" ||
                  outcome.scenario == "a batch of more calls than the limit is refused whole, and a small batch is answered" ||
                  (sse_cases && outcome.suite == "cross_subject"))
          << outcome.why();
    }
  }
  EXPECT_GE(transport, 10u) << "the protocol family was not skipped for its transport";
  EXPECT_EQ(unreached, 2u) << "the JWKS and IdP-down faults, which foreign-mcp cannot see";
  EXPECT_EQ(unscoped, 1u) << "family 8's case of a tool's own scope, which foreign-mcp declares none of";
}

class ForeignServer : public ::testing::Test {
 protected:
  // A stack of each test's own: the reference postgres-mcp's Vault sessions from an earlier run
  // would hide the first logins the suites look for.
  void SetUp() override {
    stack::SupervisedStackOptions options;
    options.stack = stack::scenario_suite_params();
    local_ = stack::SupervisedStack::start(options).release();
  }
  void TearDown() override {
    delete local_;
    local_ = nullptr;
  }

  static const stack::StackFile& local() { return local_->stack(); }

  // foreign-mcp for `backend` with the stack's IdP, Vault and backend, and `defects`.
  static proc::StartedService start(const std::string& backend, const std::vector<std::string>& defects) {
    const std::string mcp_name = backend + "-mcp";
    const stack::ServiceEntry& reference = local().service(mcp_name);
    const std::string limit = reference.mcp.rate_limit.value_or(stack::RateLimit{}).to_string();  // "20/1000ms": the limit the suites need
    const std::string backend_url = local().service(backend + "-api").url_for_servers;
    const std::string vault_url = local().service("vault").url_for_servers;
    if (backend_url.empty() || vault_url.empty()) throw std::runtime_error("the local stack has no fault proxy in front of " + backend + "-api and vault");
    proc::SpawnOptions spawn;
    spawn.name = "foreign-" + mcp_name;
    spawn.argv = {MCPH_FOREIGN_MCP, "--port", "0", "--backend", backend,
                  // Behind the stack's fault proxy, as a user puts a server of theirs there.
                  "--backend-url", backend_url,
                  "--issuer", local().service("keycloak").url + "/realms/" + local().realm,
                  "--audience", mcp_name,
                  "--allowed-client", "mcp-client", "--allowed-client", "mcp-client-short-lived",
                  "--allowed-client", "mcp-client-email-login",
                  "--vault-url", vault_url,
                  "--rate-limit", limit.substr(0, limit.find('/')),
                  "--rate-window-ms", limit.substr(limit.find('/') + 1, limit.size() - limit.find('/') - 3)};
    spawn.argv.insert(spawn.argv.end(), defects.begin(), defects.end());
    spawn.env = {{"MCPH_CLIENT_SECRET", fixtures::realm_client_secret(fixtures::FixtureFiles::in(fixtures::default_fixtures_dir()), mcp_name)}};
    return proc::start_service(spawn);
  }

  // Every scenario of kSuites against a jira-mcp and a github-mcp of foreign-mcp's
  // with `defects`, reached through an external stack file as a user would write it, at `path`
  // (the one foreign-mcp serves, unless a test shows a stack file that describes it wrongly).
  // Without `scoped`, the entries name no scope: the users' tokens do not carry the servers'
  // audiences (a stack file that misdescribes how the servers identify their callers).
  static std::vector<Outcome> run_against(const std::vector<std::string>& defects, const std::string& path = "/sse",
                                          bool scoped = true) {
    const auto jira = start("jira", defects);
    const auto github = start("github", defects);
    stack::StackFile external;
    external.mode = stack::StackMode::external;
    external.realm = local().realm;
    // foreign-mcp offers Jira's and GitHub's tools; postgres-mcp stays the reference server (its
    // steps in the suites are the reference's, and a finding on it would fail these tests).
    external.services = local().services;
    for (const auto& [name, url] : {std::pair{"jira-mcp", jira.url}, std::pair{"github-mcp", github.url}}) {
      stack::ServiceEntry service;  // what a user writes for a server of theirs: URL, profile, its limit
      service.url = url + path;
      service.mcp.profile = "demo-python";
      if (scoped) service.mcp.scope = local().service(name).mcp.scope;  // the scope a token for it asks for
      service.mcp.clients = {"mcp-client", "mcp-client-short-lived", "mcp-client-email-login"};  // its --allowed-client
      service.mcp.rate_limit = local().service(name).mcp.rate_limit;
      service.mcp.behind_fault_proxy = {std::string(name) == "jira-mcp" ? "jira-api" : "github-api", "vault"};
      external.services[name] = service;
    }
    ScenarioRunner runner(stack::StackFile::parse(external.to_json(), "hand-written stack file"));
    return run_suites(runner, kSuites);
  }

  // The suites fail against the server with `defects`, each failure names `property` and
  // nothing else, and the scenarios that failed include `must_fail` (suite / scenario name).
  static std::vector<Outcome> expect_only_finding(const std::vector<std::string>& defects, const std::string& property,
                                                  const std::vector<std::string>& must_fail) {
    const auto outcomes = run_against(defects);
    expect_skipped_only_where_it_does_not_apply(outcomes);
    std::set<std::string> failed;
    for (const auto& outcome : outcomes) {
      if (outcome.status == Status::passed || outcome.status == Status::skipped) continue;
      failed.insert(outcome.name());
      EXPECT_EQ(outcome.status, Status::failed) << outcome.why();
      EXPECT_FALSE(outcome.unbounded_findings().empty()) << "a failure without a finding: " << outcome.why();
      for (const auto& finding : outcome.unbounded_findings()) {
        EXPECT_EQ(finding.property, property) << outcome.why();
        EXPECT_THAT(finding.server, ::testing::AnyOf("jira-mcp", "github-mcp")) << outcome.why();
      }
    }
    for (const auto& name : must_fail) EXPECT_TRUE(failed.contains(name)) << name << " passed against " << defects[0];
    return outcomes;
  }

  static stack::SupervisedStack* local_;
};


stack::SupervisedStack* ForeignServer::local_ = nullptr;

const std::string kJiraErrorScenario =
    "faults / the Jira backend answering 503 gives backend_error without its text, only the caller's credential sent, and recovery";
const std::string kDisabledUserScenario =
    "jwt_attacks / a disabled user's token is accepted by a server holding a session for the user, until its exp";
const std::string kSignedOutScenario =
    "jwt_attacks / a signed-out session's token is accepted by a server holding a session for the user, until its exp";
const std::string kClaimScenario =
    "cross_subject / a signed token whose preferred_username is not the user's Vault entity still reads only her own secrets";

TEST_F(ForeignServer, WellBehavedPassesEveryScenarioThatApplies) {
  const auto outcomes = run_against({});
  expect_skipped_only_where_it_does_not_apply(outcomes);
  std::set<std::string> ran, bounded;
  for (const auto& outcome : outcomes) {
    if (outcome.status == Status::skipped) continue;
    ran.insert(outcome.name());
    EXPECT_EQ(outcome.status, Status::passed) << outcome.why();
    EXPECT_TRUE(outcome.unbounded_findings().empty()) << outcome.why();
    for (const auto& finding : outcome.findings) {
      if (finding.bounded()) bounded.insert(outcome.name());
    }
  }
  // foreign-mcp keeps the Vault session it made for a user and checks tokens locally: a disabled
  // or signed-out user's token goes on working there until its exp, and nowhere else.
  EXPECT_EQ(bounded, (std::set<std::string>{kDisabledUserScenario, kSignedOutScenario}));
  // The proof means something only if the conventions were exercised: results in text content,
  // window correlation, the demo's missing-credential text, the rate limit, the claim case, a
  // dependency's failure and the server's own timeout.
  EXPECT_GE(ran.size(), 40u);
  for (const std::string name : {"isolation / alice and bob reach GitHub each with their own token",
                                 "faults / Vault down gives vault_unavailable at once, and the next call after it is back works",
                                 "faults / Vault slower than the server's own timeout gives vault_unavailable within that timeout and 1.5 s",
                                 "missing_credentials / carol has no credentials on any server",
                                 "rate_limit / a burst beyond the limit gets 429 with Retry-After, others are unaffected, the user recovers",
                                 kClaimScenario.c_str(), kJiraErrorScenario.c_str()}) {
    EXPECT_TRUE(ran.contains(name)) << name << " did not run";
  }
}

TEST_F(ForeignServer, TrustingTheClaimIsFoundAsThat) {
  expect_only_finding({"--trust-claim"}, "trusts an unverified claim", {kClaimScenario});
}

// The demo's middleware answers 500 for every request without a bearer token, where 401 was due
// (400 where the token came outside the Authorization header: query, form body). The server
// refused each one, under the wrong status: that, and not the scenarios' "accepts a token outside
// the Authorization header" or "wrong protected-resource metadata", is the finding.
TEST_F(ForeignServer, FiveHundredOnAMissingTokenIsFoundAsThat) {
  const auto outcomes = expect_only_finding({"--500-on-missing-token"}, "answers with the wrong error status",
                                            {"jwt_attacks / no Authorization header gets the bare challenge"});
  for (const auto& outcome : outcomes) {
    for (const auto& finding : outcome.unbounded_findings()) {
      EXPECT_THAT(finding.evidence, ::testing::StartsWith("500 where 40")) << outcome.why();
    }
  }
}

TEST_F(ForeignServer, RawBackendErrorsAreFoundAsThat) {
  expect_only_finding({"--raw-backend-errors"}, kBackendErrorText, {kJiraErrorScenario});
}

TEST_F(ForeignServer, NoRateLimitIsFoundAsThat) {
  expect_only_finding({"--no-rate-limit"}, "no per-subject rate limit",
                      {"rate_limit / a burst beyond the limit gets 429 with Retry-After, others are unaffected, the user recovers"});
}

// A correct server of other conventions: its refusals carry no WWW-Authenticate. Each stands,
// so no scenario says it accepted a token; the missing challenge is the finding, at warning, with
// the server's own evidence.
TEST_F(ForeignServer, ARefusalWithoutTheChallengeIsOnlyThatWarning) {
  const auto outcomes = expect_only_finding({"--no-challenge"}, "refuses without the challenge the specifications require",
                                            {"jwt_attacks / no Authorization header gets the bare challenge"});
  std::size_t findings = 0;
  for (const auto& outcome : outcomes) {
    for (const auto& finding : outcome.unbounded_findings()) {
      ++findings;
      EXPECT_EQ(finding.level, "warning") << outcome.why();
      // 401, or the 400 invalid_request of a token outside the Authorization header: refused both.
      EXPECT_THAT(finding.evidence, ::testing::MatchesRegex("40[01] without WWW-Authenticate")) << outcome.why();
    }
  }
  EXPECT_GE(findings, 3u) << "the jwt_attacks family's refusals each want the challenge";
}

// No finding and no failure in `outcomes`; the inconclusive ones (at least `at_least`) each say
// why, in words that match `why`.
void expect_only_inconclusive(const std::vector<Outcome>& outcomes, const std::string& why, std::size_t at_least) {
  std::size_t inconclusive = 0;
  for (const auto& outcome : outcomes) {
    EXPECT_TRUE(outcome.findings.empty()) << outcome.why();
    EXPECT_NE(outcome.status, Status::failed) << outcome.why();
    if (outcome.status != Status::error || outcome.message.rfind("inconclusive: ", 0) != 0) continue;
    EXPECT_THAT(outcome.message, ::testing::ContainsRegex(why)) << outcome.why();
    ++inconclusive;
  }
  EXPECT_GE(inconclusive, at_least) << "scenarios inconclusive because " << why;
}

// A stack file whose URL names a path foreign-mcp does not serve: nothing reaches what the
// scenarios test, so none gives a finding, and each that calls the server ends inconclusive,
// naming the step, the answer and the profile key to look at ("… was not reached: 404 from POST
// /mcp/rpc — …", or a control's "… failed: 404 where 200 is due (404 from POST /mcp/rpc) — …").
TEST_F(ForeignServer, AWrongPathMakesEveryScenarioThatCallsItInconclusive) {
  const auto outcomes = run_against({}, "/mcp/rpc");
  for (const auto& outcome : outcomes) {
    EXPECT_TRUE(outcome.status != Status::error || outcome.message.rfind("inconclusive: ", 0) == 0) << outcome.why();
  }
  expect_only_inconclusive(outcomes, "404 from POST /mcp/rpc\\)? — the profile's url or the step's path does not describe "
                                     "this server", 30);
}

// A stack file that names no scope for the servers: the users' tokens lack their audiences and
// each server refuses its callers' own tokens (401). Nothing the scenarios test is reached, so none
// gives a finding — not isolation, not a missing credential, not the rate limit — and each that
// calls the server ends inconclusive at its first call due to be let in, naming the profile key to
// look at (or broken, where the harness cannot even make the token a step needs: Keycloak
// exchanges no token for a client its subject token was not issued to).
TEST_F(ForeignServer, TokensTheServerDoesNotTakeMakeEveryScenarioThatCallsItInconclusive) {
  expect_only_inconclusive(run_against({}, "/sse", false),
                           "\\(401 from .* — the profile's auth does not describe how this server identifies its callers",
                           20);
}

}  // namespace
}  // namespace mcph::harness::scenario
