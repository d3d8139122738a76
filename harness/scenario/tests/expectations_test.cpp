// What the runner puts in the report for each step: every expectation as a check with its
// verdict and what was seen, the failures derived from it, and the scenario's status.
#include "expectations.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <chrono>

#include "mcph/codec/base64.h"
#include "scenario_status.h"

namespace mcph::harness::scenario {
namespace {

using ::testing::HasSubstr;
using Json = nlohmann::json;
using Verdict = reports::Check::Verdict;
using Status = reports::ScenarioResult::Status;

Expectation expect(std::string kind, const Json& value, int line) {
  return {std::move(kind), value.dump(), {"isolation.yaml", line}};
}

CheckContext context() {
  CheckContext c;
  c.entity_of = [](const std::string& user) { return user.empty() ? std::string() : "entity-" + user; };
  c.entity_name = [](const std::string& id) { return id.rfind("entity-", 0) == 0 ? id.substr(7) : std::string(); };
  return c;
}

// alice's call of jira.get_issue as the runner sees it: a 200 with a result, the backend's ledger
// entry with her credential, and Vault's audit of her entity reading her Jira secret.
StepOutcome alice_call() {
  StepOutcome outcome;
  outcome.title = "1: alice calls jira.get_issue";
  outcome.caller = "alice";
  outcome.http.status = 200;
  outcome.rpc.result = true;
  outcome.tool.text = R"({"key":"DEMO-1"})";
  outcome.ledger.observed = true;
  outcome.ledger.entries = Json::array({{{"method", "GET"},
                                 {"path", "/rest/api/2/issue/DEMO-1"},
                                 {"status", 200},
                                 {"credential_of", "alice"},
                                 {"credential", "****abcd"}}});
  outcome.audit.observed = true;
  outcome.audit.entries = Json::array({{{"type", "request"},
                                {"request", {{"path", "secret/data/users/alice/jira"}}},
                                {"auth", {{"entity_id", "entity-alice"}}}}});
  return outcome;
}

// A call answered in a shape the harness does not read (rows where result_rows does not point) is
// no verdict; a shape it reads with another value in it is one.
TEST(CheckExpectations, AResultReadWhereTheServerPutsNothingIsInconclusive) {
  StepOutcome outcome = alice_call();
  outcome.result = {{"records", Json::array({{{"n", "1"}}})}};
  const auto unread = check_expectations({expect("result_json", {{"/rows/0/n", "0"}}, 10)}, outcome, context());
  ASSERT_EQ(unread.size(), 1u);
  EXPECT_EQ(unread[0].verdict, Verdict::inconclusive);
  EXPECT_THAT(unread[0].actual, HasSubstr("the answer has no /rows to read so ({\"records\":[{\"n\":\"1\"}]}); the profile's result_rows"));
  // Rows of values where the check reads a column by name: no shape to judge either.
  outcome.result = {{"rows", Json::array({Json::array({"1"})})}};
  const auto values = check_expectations({expect("result_json", {{"/rows/0/n", "0"}}, 10)}, outcome, context());
  EXPECT_EQ(values[0].verdict, Verdict::inconclusive);
  EXPECT_THAT(values[0].actual, HasSubstr("the answer has no /rows/0 (array) to read so"));

  outcome.result = {{"rows", Json::array({{{"n", "1"}}})}};
  EXPECT_EQ(check_expectations({expect("result_json", {{"/rows/0/n", "0"}}, 10)}, outcome, context())[0].verdict, Verdict::failed);
  outcome.result = {{"rows", Json::array()}};
  EXPECT_EQ(check_expectations({expect("result_json", {{"/rows/0/n", "0"}}, 10)}, outcome, context())[0].verdict, Verdict::failed);
  // A refused call has no result to misread: the check fails on what the refusal was.
  outcome.result = {{"records", Json::array()}};
  outcome.tool.error = true;
  EXPECT_EQ(check_expectations({expect("result_json", {{"/rows/0/n", "0"}}, 10)}, outcome, context())[0].verdict, Verdict::failed);
}

TEST(CheckExpectations, EveryExpectationIsACheckInOrderHeldOnesWithWhatWasSeen) {
  const auto checks = check_expectations({expect("ok", true, 10), expect("backend_credential_of", "alice", 11),
                                          expect("vault_audit", "own_paths_only", 12), expect("http_status", 401, 13)},
                                         alice_call(), context());
  ASSERT_EQ(checks.size(), 4u);
  EXPECT_EQ(checks[0].expectation, "ok: true");
  EXPECT_EQ(checks[0].verdict, Verdict::held);
  EXPECT_THAT(checks[0].actual, HasSubstr("HTTP 200, ok: {\"key\":\"DEMO-1\"}"));
  EXPECT_EQ(checks[0].where, "isolation.yaml:10");

  EXPECT_EQ(checks[1].expectation, "backend_credential_of: alice");
  EXPECT_EQ(checks[1].verdict, Verdict::held);
  EXPECT_EQ(checks[1].actual, "the ledger entry GET /rest/api/2/issue/DEMO-1 → 200 carries alice's credential ****abcd");

  EXPECT_EQ(checks[2].expectation, "vault_audit: own_paths_only");
  EXPECT_EQ(checks[2].verdict, Verdict::held);
  EXPECT_EQ(checks[2].actual, "alice's entity touched only alice's paths: secret/data/users/alice/jira");

  EXPECT_EQ(checks[3].expectation, "http_status: 401");
  EXPECT_EQ(checks[3].verdict, Verdict::failed);
  EXPECT_THAT(checks[3].actual, HasSubstr("HTTP 200"));
}

TEST(CheckExpectations, AFailedCheckSaysWhatHappenedInstead) {
  StepOutcome outcome = alice_call();
  outcome.ledger.entries[0]["credential_of"] = "bob";
  outcome.audit.entries.push_back({{"type", "request"},
                           {"request", {{"path", "secret/data/users/bob/jira"}}},
                           {"auth", {{"entity_id", "entity-alice"}}}});
  const auto checks = check_expectations(
      {expect("backend_credential_of", "alice", 11), expect("vault_audit", "own_paths_only", 12)}, outcome, context());
  ASSERT_EQ(checks.size(), 2u);
  EXPECT_EQ(checks[0].verdict, Verdict::failed);
  EXPECT_THAT(checks[0].actual, HasSubstr("carries bob's credential ****abcd"));
  EXPECT_EQ(checks[1].verdict, Verdict::failed);
  EXPECT_EQ(checks[1].actual, "alice's entity requested secret/data/users/bob/jira");

  // The report's failures are the failed checks, with where the file states them.
  reports::StepRecord step;
  step.title = outcome.title;
  step.checks = checks;
  step.checks.push_back({"ok: true", Verdict::held, "HTTP 200", "isolation.yaml:10"});
  const auto failures = reports::failures_of(step);
  ASSERT_EQ(failures.size(), 2u);
  EXPECT_EQ(failures[0].step, "1: alice calls jira.get_issue");
  EXPECT_EQ(failures[0].expectation, "backend_credential_of: alice (isolation.yaml:11)");
  EXPECT_EQ(failures[1].expectation, "vault_audit: own_paths_only (isolation.yaml:12)");
}

// A failed call's answer may say which backend failed, never what it said nor where it is.
TEST(CheckExpectations, AnErrorThatShowsTheBackendsOwnTextOrAddressFailsErrorHides) {
  const Json hidden = Json::array({"a fault injected by the test harness", "127.0.0.1:8001"});
  StepOutcome outcome = alice_call();
  outcome.tool.error = true;
  outcome.tool.text = "Server error '503' from Jira";
  EXPECT_EQ(check_expectations({expect("error_hides", hidden, 20)}, outcome, context())[0].verdict, Verdict::held);

  outcome.tool.text = "Server error '503' for url 'http://127.0.0.1:8001/rest/api/3/issue/DEMO-1': "
                      "{\"errorMessages\":[\"the service is unavailable (a fault injected by the test harness)\"]}";
  const auto shown = check_expectations({expect("error_hides", hidden, 20)}, outcome, context());
  EXPECT_EQ(shown[0].verdict, Verdict::failed);
  EXPECT_THAT(shown[0].actual, HasSubstr("\"127.0.0.1:8001\", \"a fault injected by the test harness\""));

  // A call that worked hid nothing: the expectation is about an error.
  EXPECT_EQ(check_expectations({expect("error_hides", "anything", 20)}, alice_call(), context())[0].verdict,
            Verdict::failed);
}

// A "not found" may be a result as well as an error: answer_hides reads either, and the body as
// sent as well as the tool's text.
TEST(CheckExpectations, AnAnswerThatNamesAnAddressFailsAnswerHidesWhetherTheCallWorkedOrNot) {
  const Json hidden = Json::array({"127.0.0.1:8200"});
  StepOutcome outcome = alice_call();
  outcome.http.body = R"({"result":{"found":false}})";
  EXPECT_EQ(check_expectations({expect("answer_hides", hidden, 20)}, outcome, context())[0].verdict, Verdict::held);

  outcome.http.body = R"({"result":{"found":false,"detail":"Vault answered 404 at http://127.0.0.1:8200/v1/secret/data/x"}})";
  const auto worked = check_expectations({expect("answer_hides", hidden, 20)}, outcome, context());
  EXPECT_EQ(worked[0].verdict, Verdict::failed);
  EXPECT_THAT(worked[0].actual, HasSubstr("the answer shows \"127.0.0.1:8200\""));

  outcome.http.body.clear();
  outcome.tool.error = true;
  outcome.tool.text = "Client error '404 Not Found' for url 'http://127.0.0.1:8200/v1/secret/data/mcp/agent-a/x'";
  EXPECT_EQ(check_expectations({expect("answer_hides", hidden, 20)}, outcome, context())[0].verdict, Verdict::failed);
}

// An agent's call answered 200, Vault's audit log read for it (its entries are the test's).
StepOutcome agent_call(const std::string& agent, const std::string& server) {
  StepOutcome outcome;
  outcome.title = "1: " + agent + " calls " + server;
  outcome.caller = agent;
  outcome.agent = true;
  outcome.http.status = 200;
  outcome.audit.observed = true;
  return outcome;
}

// Vault's audit log holds paths as Vault used them, decoded once: a key literally named "%2e%2e"
// stays inside the agent's prefix, and the evidence shows it as Vault wrote it; a real ".." is
// the escape it is.
TEST(CheckExpectations, ALiteralPercentEncodedKeyIsNoPathEscapeAndIsShownAsVaultWroteIt) {
  StepOutcome outcome = agent_call("agent-b", "agent-bridge-mcp");
  outcome.audit.entries = Json::array({{{"type", "request"}, {"request", {{"path", "secret/data/mcp/agent-b/%2e%2e/agent-a/jira"}}}}});
  const auto literal = check_expectations({expect("vault_audit", "own_paths_only", 12)}, outcome, context());
  ASSERT_EQ(literal.size(), 1u);
  EXPECT_EQ(literal[0].verdict, Verdict::held) << literal[0].actual;
  EXPECT_THAT(literal[0].actual, HasSubstr("secret/data/mcp/agent-b/%2e%2e/agent-a/jira"));

  outcome.audit.entries[0]["request"]["path"] = "secret/data/mcp/agent-b/../agent-a/jira";
  const auto escaped = check_expectations({expect("vault_audit", "own_paths_only", 12)}, outcome, context());
  ASSERT_EQ(escaped.size(), 1u);
  EXPECT_EQ(escaped[0].verdict, Verdict::failed);
  EXPECT_THAT(escaped[0].actual, HasSubstr("secret/data/mcp/agent-b/../agent-a/jira (agent-a's prefix)"));
}

// A target whose `secrets` layout does not say where the server keeps its agents' secrets: no
// path of the agent's own call lies in any agent's folder, which says nothing of the server, so
// the check is inconclusive, naming the layout; a path in another agent's folder, or one outside
// every folder beside the agent's own, is still the defect it is.
TEST(CheckExpectations, AnAgentCallOutsideEveryFolderOfTheLayoutDoubtsTheLayoutNotTheServer) {
  StepOutcome outcome = agent_call("agent-a", "agent-bridge-mcp");
  outcome.secret_layout.path = "bridge/agents/{agent}/{key}";
  outcome.audit.entries = Json::array({{{"type", "request"}, {"request", {{"path", "secret/data/mcp/agent-a/jira"}}}}});
  const auto elsewhere = check_expectations({expect("vault_audit", "own_paths_only", 12)}, outcome, context());
  ASSERT_EQ(elsewhere.size(), 1u);
  EXPECT_EQ(elsewhere[0].verdict, Verdict::inconclusive);
  EXPECT_THAT(elsewhere[0].actual, HasSubstr("secret/bridge/agents/{agent}/{key}"));
  EXPECT_THAT(elsewhere[0].actual, HasSubstr("secret/data/mcp/agent-a/jira"));

  outcome.audit.entries.push_back({{"type", "request"}, {"request", {{"path", "secret/data/bridge/agents/agent-a/jira"}}}});
  const auto beside_own = check_expectations({expect("vault_audit", "own_paths_only", 12)}, outcome, context());
  EXPECT_EQ(beside_own[0].verdict, Verdict::failed);
  EXPECT_THAT(beside_own[0].actual, HasSubstr("secret/data/mcp/agent-a/jira (outside every agent's prefix)"));

  outcome.audit.entries = Json::array({{{"type", "request"}, {"request", {{"path", "secret/data/mcp/agent-a/jira"}}}},
                               {{"type", "request"}, {"request", {{"path", "secret/data/bridge/agents/agent-b/jira"}}}}});
  const auto another = check_expectations({expect("vault_audit", "own_paths_only", 12)}, outcome, context());
  EXPECT_EQ(another[0].verdict, Verdict::failed);
  EXPECT_THAT(another[0].actual, HasSubstr("(agent-b's prefix)"));
}

// A child token carries the agent's policy as the target's secret layout names it: the server's
// own name for it holds, the bridge's default name where the layout says otherwise does not.
TEST(CheckExpectations, AChildTokenCarriesThePolicyTheLayoutNames) {
  StepOutcome outcome = agent_call("agent-a", "vault-bridge");
  outcome.secret_layout.policy = "bridge.{agent}_kv";
  const auto with_policy = [&](const std::string& policy) {
    outcome.audit.entries = Json::array({{{"type", "request"},
                                          {"request", {{"path", "secret/data/mcp/agent-a/jira"}}},
                                          {"auth", {{"token_policies", Json::array({policy})}, {"token_ttl", 60}}}}});
    return check_expectations({expect("vault_audit", "child_token", 12)}, outcome, context()).at(0);
  };
  EXPECT_EQ(with_policy("bridge.agent-a_kv").verdict, Verdict::held);
  const auto bridge_name = with_policy("mcp-agent-agent-a");
  EXPECT_EQ(bridge_name.verdict, Verdict::failed);
  EXPECT_THAT(bridge_name.actual, HasSubstr("not bridge.agent-a_kv alone"));
}

// A token request of the server's own during the call (the bridge's child token), and a call
// that reached no KV path: what the agent faults family asks of a server whose token request
// Vault refused.
TEST(CheckExpectations, ATokenRequestAndNoKvRequestAreReadFromTheAuditLog) {
  StepOutcome outcome = agent_call("agent-a", "vault-bridge");
  const auto check = [&](const char* want) { return check_expectations({expect("vault_audit", want, 12)}, outcome, context()).at(0); };
  outcome.audit.entries = Json::array({{{"type", "request"}, {"request", {{"path", "auth/token/create/mcp-agent"}}}},
                                       {{"type", "request"}, {"request", {{"path", "secret/data/mcp/agent-a/jira"}}}}});
  EXPECT_EQ(check("requests_token").verdict, Verdict::held);
  const auto read = check("no_kv_request");
  EXPECT_EQ(read.verdict, Verdict::failed);
  EXPECT_THAT(read.actual, HasSubstr("secret/data/mcp/agent-a/jira with a token of policies (none)"));

  outcome.audit.entries = Json::array({{{"type", "request"},
                                        {"request", {{"path", "secret/data/mcp/agent-a/jira"}, {"operation", "read"}}},
                                        {"auth", {{"token_policies", Json::array({"mcp-bridge-parent"})}}}}});
  const auto parent = check("no_kv_request");
  EXPECT_EQ(parent.verdict, Verdict::failed);
  EXPECT_THAT(parent.actual, HasSubstr("read secret/data/mcp/agent-a/jira with a token of policies mcp-bridge-parent"));
  const auto none = check("requests_token");
  EXPECT_EQ(none.verdict, Verdict::failed);
  EXPECT_THAT(none.actual, HasSubstr("no token request"));

  outcome.audit.entries = Json::array({{{"type", "request"}, {"request", {{"path", "sys/policies/acl/x"}}}}});
  EXPECT_EQ(check("no_kv_request").verdict, Verdict::held);
  outcome.audit.observed = false;
  EXPECT_EQ(check("no_kv_request").verdict, Verdict::failed);  // no audit log: never a pass
}

// A server that does not forward traceparent is matched by time window. While nothing of
// another trace fell into the window, the window's verdict stands (a defect is still a defect);
// when others' requests ran meanwhile, it is ambiguous: inconclusive, with what the window
// alone would say, never a guess either way.
TEST(CheckExpectations, AWindowVerdictStandsAloneAndIsInconclusiveBesideOtherTraces) {
  StepOutcome outcome = alice_call();
  outcome.audit.by_window = true;
  outcome.audit.entries.push_back({{"type", "request"},
                           {"request", {{"path", "secret/data/users/alice/github"}}},
                           {"auth", {{"entity_id", "entity-bob"}}}});
  const auto alone = check_expectations({expect("vault_audit", "own_paths_only", 12)}, outcome, context());
  ASSERT_EQ(alone.size(), 1u);
  EXPECT_EQ(alone[0].verdict, Verdict::failed);
  EXPECT_EQ(alone[0].actual, "secret/data/users/alice/github was requested by entity bob");

  outcome.audit.other_traces = 3;
  const auto beside = check_expectations({expect("vault_audit", "own_paths_only", 12),
                                          expect("vault_audit", "reads_own_secret", 13)},
                                         outcome, context());
  ASSERT_EQ(beside.size(), 2u);
  EXPECT_EQ(beside[0].verdict, Verdict::inconclusive);
  EXPECT_THAT(beside[0].actual, HasSubstr("3 audit entries of other traces fell into the window"));
  EXPECT_THAT(beside[0].actual, HasSubstr("by the window alone: failed: secret/data/users/alice/github was requested"));
  // A read that would pass is no pass either: it may have been another scenario's alice.
  EXPECT_EQ(beside[1].verdict, Verdict::inconclusive);
  EXPECT_THAT(beside[1].actual, HasSubstr("by the window alone: held: secret/data/users/alice/jira read by alice"));

  // Traced steps are never judged by window, whatever else ran.
  outcome.audit.by_window = false;
  const auto traced = check_expectations({expect("vault_audit", "reads_own_secret", 13)}, outcome, context());
  EXPECT_EQ(traced[0].verdict, Verdict::held);
}

// A server that does not forward traceparent to its backend: the call's ledger entries are the
// untraced ones written while it ran, and the verdict on them is ambiguous beside other traces.
TEST(CheckExpectations, ALedgerMatchedByWindowIsJudgedAloneAndInconclusiveBesideOtherTraces) {
  StepOutcome outcome = alice_call();
  outcome.ledger.observed = true;
  outcome.ledger.by_window = true;
  outcome.ledger.entries = nlohmann::json::array(
      {{{"method", "GET"}, {"path", "/rest/api/3/issue/PROJ-1"}, {"status", 200}, {"credential_of", "alice"}}});
  const auto alone = check_expectations({expect("backend_credential_of", "alice", 8)}, outcome, context());
  ASSERT_EQ(alone.size(), 1u);
  EXPECT_EQ(alone[0].verdict, Verdict::held) << alone[0].actual;

  outcome.ledger.other_traces = 2;
  const auto beside = check_expectations({expect("backend_credential_of", "alice", 8)}, outcome, context());
  EXPECT_EQ(beside[0].verdict, Verdict::inconclusive);
  EXPECT_THAT(beside[0].actual, HasSubstr("2 ledger entries of other traces fell into the window"));

  outcome.ledger.entries = nlohmann::json::array();
  outcome.ledger.other_traces = 0;
  const auto none = check_expectations({expect("backend_credential_of", "alice", 8)}, outcome, context());
  EXPECT_EQ(none[0].verdict, Verdict::failed);
  EXPECT_EQ(none[0].actual, "no untraced ledger entry was written while the call ran");
}

TEST(CheckExpectations, ABurstShowsItsStatusesCountedAndItsRetryAfter) {
  StepOutcome outcome = alice_call();
  outcome.burst.statuses.assign(20, 200);
  outcome.burst.statuses.insert(outcome.burst.statuses.end(), 20, 429);
  outcome.burst.accepted = 20;
  outcome.burst.retry_after = "1";
  const auto checks = check_expectations({expect("some_http_status", 429, 5), expect("retry_after", true, 6),
                                          expect("accepted_calls_at_least", 1, 7)},
                                         outcome, context());
  ASSERT_EQ(checks.size(), 3u);
  for (const auto& check : checks) EXPECT_EQ(check.verdict, Verdict::held) << check.expectation;
  EXPECT_EQ(checks[0].actual, "40 calls: 20 \u00d7 200, 20 \u00d7 429");
  EXPECT_EQ(checks[1].actual, "Retry-After: 1");
  EXPECT_EQ(checks[2].actual, "20 of 40 calls succeeded");
}

// A workload flood read by the target's refusal shapes: some call denied by the policy holds,
// whatever the status that carried it; a decision no call showed fails, with the counts.
TEST(CheckExpectations, AWorkloadBurstIsJudgedByTheDecisionsItsCallsShowed) {
  StepOutcome outcome;
  outcome.burst.decisions.assign(200, "denied");
  outcome.burst.decisions.insert(outcome.burst.decisions.end(), 50, "");
  const auto checks = check_expectations({expect("some_decision", "denied", 5), expect("some_decision", "granted", 6)},
                                         outcome, context());
  ASSERT_EQ(checks.size(), 2u);
  EXPECT_EQ(checks[0].verdict, Verdict::held);
  EXPECT_EQ(checks[0].actual, "250 calls: 200 \u00d7 denied, 50 \u00d7 no decision shown");
  EXPECT_EQ(checks[1].verdict, Verdict::failed);
  EXPECT_EQ(checks[1].actual, checks[0].actual);
}

// Answers sent raw were never read as decisions: the harness cannot tell, never a finding.
TEST(CheckExpectations, AStepWhoseAnswersWereNotReadAsDecisionsIsInconclusive) {
  const auto checks = check_expectations({expect("some_decision", "denied", 5)}, StepOutcome{}, context());
  ASSERT_EQ(checks.size(), 1u);
  EXPECT_EQ(checks[0].verdict, Verdict::inconclusive);
  EXPECT_THAT(checks[0].actual, HasSubstr("no answer of the step was read as the policy's decision"));
}

reports::ScenarioResult with_checks(std::vector<std::vector<reports::Check>> per_step) {
  reports::ScenarioResult result;
  int number = 0;
  for (auto& checks : per_step) {
    reports::StepRecord step;
    step.title = std::to_string(++number) + ": alice calls jira.get_issue";
    step.checks = std::move(checks);
    for (auto& failure : reports::failures_of(step)) result.failures.push_back(failure);
    result.steps.push_back(std::move(step));
  }
  return result;
}

const reports::Check kHeld{"ok: true", Verdict::held, "HTTP 200", ""};
const reports::Check kFailed{"http_status: 401", Verdict::failed, "HTTP 200", ""};
const reports::Check kUndecided{"vault_audit: reads_own_secret", Verdict::inconclusive, "2 callers in the window", ""};

TEST(ScenarioStatus, HeldChecksPass) {
  auto result = with_checks({{kHeld}, {kHeld}});
  settle_status(result);
  EXPECT_EQ(result.status, Status::passed);
  EXPECT_EQ(result.message, "");
}

TEST(ScenarioStatus, AFailedCheckFailsItEvenBesideAnInconclusiveOne) {
  auto result = with_checks({{kUndecided}, {kHeld, kFailed}});
  settle_status(result);
  EXPECT_EQ(result.status, Status::failed);
}

TEST(ScenarioStatus, AnInconclusiveCheckIsNeverAPass) {
  auto result = with_checks({{kHeld, kUndecided}, {kUndecided}});
  settle_status(result);
  EXPECT_EQ(result.status, Status::error);
  EXPECT_EQ(result.message,
            "inconclusive: 1: alice calls jira.get_issue: vault_audit: reads_own_secret — 2 callers in the window "
            "(+1 more)");
  EXPECT_TRUE(reports::is_inconclusive(result));
}

TEST(ScenarioStatus, AStepThatCouldNotRunKeepsItsError) {
  auto result = with_checks({{kUndecided}});
  result.status = Status::error;
  result.message = "step 2: connection refused";
  settle_status(result);
  EXPECT_EQ(result.status, Status::error);
  EXPECT_EQ(result.message, "step 2: connection refused");
  EXPECT_FALSE(reports::is_inconclusive(result));
}

// `failure: missing_credential` holds for a failed call whose message the server's profile
// recognised as that kind (failure_kinds), and for nothing else.
TEST(CheckExpectations, AFailureKindHoldsOnlyForAFailedCallOfThatKind) {
  StepOutcome bob = alice_call();
  bob.caller = "bob";
  bob.tool.error = true;
  bob.tool.text = "Secret not found at path: secret/data/users/bob/jira";
  bob.tool.failure_kinds = {"missing_credential"};
  EXPECT_EQ(check_expectations({expect("failure", "missing_credential", 3)}, bob, context())[0].verdict, Verdict::held);
  EXPECT_EQ(check_expectations({expect("failure", "rate_limited", 3)}, bob, context())[0].verdict, Verdict::failed);
  StepOutcome other_error = bob;
  other_error.tool.failure_kinds.clear();
  EXPECT_EQ(check_expectations({expect("failure", "missing_credential", 3)}, other_error, context())[0].verdict,
            Verdict::failed);
  StepOutcome succeeded = bob;
  succeeded.tool.error = false;
  EXPECT_EQ(check_expectations({expect("failure", "missing_credential", 3)}, succeeded, context())[0].verdict,
            Verdict::failed);
}

// `either:` holds when one group of expectations holds whole: alice served with her own
// credential, or refused as the IdP's being down with no backend request; a call that is neither
// fails, showing what each group saw.
TEST(CheckExpectations, EitherHoldsWhenOneGroupHoldsWhole) {
  const Json either = Json::array({{{"ok", true}, {"backend_credential_of", "alice"}},
                                   {{"failure", "identity_provider_unavailable"}, {"no_ledger_entry", true}}});
  const auto verdict_on = [&](const StepOutcome& outcome) {
    return check_expectations({expect("either", either, 4)}, outcome, context())[0];
  };
  EXPECT_EQ(verdict_on(alice_call()).verdict, Verdict::held);

  StepOutcome refused = alice_call();
  refused.tool.error = true;
  refused.tool.text = "Keycloak is unavailable";
  refused.tool.failure_kinds = {"identity_provider_unavailable"};
  refused.ledger.entries = Json::array();
  EXPECT_EQ(verdict_on(refused).verdict, Verdict::held);

  StepOutcome served_as_bob = alice_call();
  served_as_bob.ledger.entries[0]["credential_of"] = "bob";
  const reports::Check neither = verdict_on(served_as_bob);
  EXPECT_EQ(neither.verdict, Verdict::failed);
  EXPECT_THAT(neither.actual, HasSubstr("backend_credential_of: alice"));
  EXPECT_THAT(neither.actual, HasSubstr("failure: identity_provider_unavailable"));

  StepOutcome refused_after_asking = refused;  // the refusal, yet a backend request made
  refused_after_asking.ledger.entries = alice_call().ledger.entries;
  EXPECT_EQ(verdict_on(refused_after_asking).verdict, Verdict::failed);
}

// The deadline of a dependency that does not answer is the server's own timeout (its target
// profile's) and the margin the scenario states: 5 s and 1.5 s for the demo's httpx.
TEST(CheckExpectations, WithinTimeoutIsTheServersOwnTimeoutAndTheMargin) {
  StepOutcome slow = alice_call();
  slow.tool.dependency_timeout_ms = 5000;
  slow.ms = 5037;
  const auto held = check_expectations({expect("within_timeout_ms", 1500, 7)}, slow, context());
  EXPECT_EQ(held[0].verdict, Verdict::held);
  EXPECT_THAT(held[0].actual, HasSubstr("took 5037 ms of 6500 (the server's timeout 5000 ms and 1500)"));
  slow.tool.dependency_timeout_ms = 3000;
  EXPECT_EQ(check_expectations({expect("within_timeout_ms", 1500, 7)}, slow, context())[0].verdict, Verdict::failed);
}

// A stack the harness itself opened (Vault's role taking the users' own tokens, for servers that
// pass them through): a failed check there is no verdict on anyone, and says why.
TEST(CheckExpectations, ACaveatMakesAFailedCheckInconclusiveAndLeavesHeldOnesAlone) {
  StepOutcome vault = alice_call();
  vault.http.status = 200;
  vault.caveat = "on this stack Vault's role user takes the users' own tokens";
  const auto checks = check_expectations({expect("http_status", 400, 5), expect("ok", true, 6)}, vault, context());
  EXPECT_EQ(checks[0].verdict, Verdict::inconclusive);
  EXPECT_THAT(checks[0].actual, HasSubstr("takes the users' own tokens"));
  EXPECT_EQ(checks[1].verdict, Verdict::held);
  vault.caveat.clear();
  EXPECT_EQ(check_expectations({expect("http_status", 400, 5)}, vault, context())[0].verdict, Verdict::failed);
}

// A load's lack of rate-limit violations passes only where its probe tested the limit; a probe
// that never made a refusal due leaves it undecided, and a violation fails whatever else.
TEST(CheckExpectations, NoRateLimitViolationsIsInconclusiveWhereTheLimitWasNeverTested) {
  StepOutcome load;
  load.load = LoadOutcome{};
  load.load->calls = 3000;
  const auto tested = check_expectations({expect("rate_limit_violations", 0, 40)}, load, context());
  EXPECT_EQ(tested[0].verdict, Verdict::held) << tested[0].actual;

  load.load->limits_untested = {"postgres-mcp user0129 (195 requests)"};
  const auto untested = check_expectations({expect("rate_limit_violations", 0, 40)}, load, context());
  EXPECT_EQ(untested[0].verdict, Verdict::inconclusive);
  EXPECT_THAT(untested[0].actual, HasSubstr("the limit was never tested for postgres-mcp user0129 (195 requests)"));

  load.load->rate_limit_violations = 2;
  EXPECT_EQ(check_expectations({expect("rate_limit_violations", 0, 40)}, load, context())[0].verdict, Verdict::failed);
}

TEST(CheckExpectations, AShardedLoadWorkerIsHeldToItsShareOfTheAcceptedCalls) {
  StepOutcome load;
  load.load = LoadOutcome{};
  load.load->calls = 800;
  load.burst.accepted = 760;
  const auto whole = check_expectations({expect("accepted_calls_at_least", 3000, 39)}, load, context());
  EXPECT_EQ(whole[0].verdict, Verdict::failed);
  EXPECT_EQ(whole[0].actual, "760 of 800 calls succeeded");

  load.load->slice = 3;
  load.load->slices = 4;
  const auto share = check_expectations({expect("accepted_calls_at_least", 3000, 39)}, load, context());
  EXPECT_EQ(share[0].verdict, Verdict::held) << share[0].actual;
  EXPECT_EQ(share[0].actual, "760 of 800 calls succeeded (shard 3/4: its share of 3000 is 750)");

  load.burst.accepted = 749;
  EXPECT_EQ(check_expectations({expect("accepted_calls_at_least", 3000, 39)}, load, context())[0].verdict, Verdict::failed);
}

// A token whose exp is `seconds` away (unsigned: the check reads claims, never trusts them).
std::string token_expiring_in(long seconds) {
  const long now = std::chrono::duration_cast<std::chrono::seconds>(std::chrono::system_clock::now().time_since_epoch()).count();
  return codec::base64url_encode(R"({"alg":"RS256"})") + "." +
         codec::base64url_encode(Json{{"sub", "u"}, {"exp", now + seconds}}.dump()) + ".c2ln";
}

TEST(CheckExpectations, AcceptedAtMostIsHeldWhenRefusedBoundedWithinItsBoundFailedBeyondOrWithoutExp) {
  StepOutcome refused;
  refused.http.status = 200;
  refused.rpc.result = true;
  refused.tool.error = true;
  refused.tool.text = "token_exchange_refused: Invalid token";
  refused.sent_token = token_expiring_in(200);
  EXPECT_EQ(check_expectations({expect("accepted_for_at_most_s", 300, 1)}, refused, context())[0].verdict, Verdict::held);

  StepOutcome accepted = alice_call();
  accepted.sent_token = token_expiring_in(200);
  const auto within = check_expectations({expect("accepted_for_at_most_s", 300, 1)}, accepted, context());
  EXPECT_EQ(within[0].verdict, Verdict::bounded);
  EXPECT_THAT(within[0].actual, HasSubstr("at most 300 s"));

  accepted.sent_token = token_expiring_in(3600);
  const auto beyond = check_expectations({expect("accepted_for_at_most_s", 300, 1)}, accepted, context());
  EXPECT_EQ(beyond[0].verdict, Verdict::failed);
  EXPECT_THAT(beyond[0].actual, HasSubstr("beyond 300 s"));

  accepted.sent_token = codec::base64url_encode(R"({"alg":"RS256"})") + "." + codec::base64url_encode(R"({"sub":"u"})") + ".c2ln";
  const auto no_exp = check_expectations({expect("accepted_for_at_most_s", 300, 1)}, accepted, context());
  EXPECT_EQ(no_exp[0].verdict, Verdict::failed);
  EXPECT_THAT(no_exp[0].actual, HasSubstr("no exp"));
}

// A bounded check is a finding the scenario accepts: it passes, unlike a failed or an
// undecided check.
TEST(ScenarioStatus, ABoundedCheckLeavesTheScenarioPassed) {
  reports::ScenarioResult result;
  reports::StepRecord step;
  step.checks = {{"accepted_for_at_most_s: 300", Verdict::bounded, "until the token's exp: at most 300 s", ""}};
  result.steps.push_back(step);
  settle_status(result);
  EXPECT_EQ(result.status, Status::passed);
}

}  // namespace
}  // namespace mcph::harness::scenario
