#include "../src/findings.h"

#include <gtest/gtest.h>

namespace mcph::harness::scenario {
namespace {

using Verdict = reports::Check::Verdict;

reports::StepRecord step_with(std::vector<reports::Check> checks, int status) {
  reports::StepRecord step;
  step.title = "1: anonymous posts to jira-mcp";
  step.server = "jira-mcp";
  step.http_status = status;
  step.checks = std::move(checks);
  return step;
}

TEST(FindingsTest, AFailedStatusExpectationReadsAsWhatCameWhereWhatIsDue) {
  const auto finding = finding_of(step_with({{"http_status: 401", Verdict::failed, "HTTP 200", "a.yaml:3"},
                                             {"token_not_echoed: true", Verdict::held, "", ""}},
                                            200),
                                  "accepts-token-it-must-refuse");
  ASSERT_TRUE(finding);
  EXPECT_EQ(finding->server, "jira-mcp");
  EXPECT_EQ(finding->property_id, "accepts-token-it-must-refuse");
  EXPECT_EQ(finding->property, "accepts a token it must refuse") << "the text people read, from the taxonomy";
  EXPECT_EQ(finding->step, "1: anonymous posts to jira-mcp");
  EXPECT_EQ(finding->evidence, "200 where 401 is due");  // the held check is no evidence
}

// The demo's servers answer a forged token with 500 (Vault refused it): refused, under the wrong
// status. "Accepts a token it must refuse" would be false; the wrong status is what it shows.
TEST(FindingsTest, ARefusalUnderAnotherErrorStatusIsTheWrongStatusNotTheStepsProperty) {
  const auto finding = finding_of(step_with({{"http_status: 401", Verdict::failed, "HTTP 500", ""},
                                             {"bearer_challenge: invalid_token", Verdict::failed, "no WWW-Authenticate", ""},
                                             {"no_ledger_entry: true", Verdict::held, "", ""}},
                                            500),
                                  "trusts-unverified-claim");
  ASSERT_TRUE(finding);
  EXPECT_EQ(finding->property_id, kWrongErrorStatus);
  EXPECT_EQ(finding->property, "answers with the wrong error status");
  EXPECT_EQ(finding->evidence, "500 where 401 is due; bearer_challenge: invalid_token — no WWW-Authenticate");
  const auto header = finding_of(step_with({{"http_status: 401", Verdict::failed, "HTTP 400", ""},
                                            {R"(header_contains: {"WWW-Authenticate":"error=\"invalid_token\""})", Verdict::failed, "", ""}},
                                           400),
                                 "trusts-unverified-claim");
  ASSERT_TRUE(header);
  EXPECT_EQ(header->property_id, kWrongErrorStatus);
}

// A scope the agent lacks, refused 401 invalid_token where the server's own insufficient_scope
// refusal was due: refused all the same, so the wrong refusal, never the scope granted; a 200
// with the tool's answer is the grant.
TEST(FindingsTest, ARefusalKindAnsweredWithAnErrorStatusIsTheWrongStatusNotTheGrant) {
  const auto refused = finding_of(step_with({{"refused: insufficient_scope", Verdict::failed, "HTTP 401: the token names no agent", ""}}, 401),
                                  "grants-scope-agent-lacks");
  ASSERT_TRUE(refused);
  EXPECT_EQ(refused->property_id, kWrongErrorStatus);
  const auto granted = finding_of(step_with({{"refused: insufficient_scope", Verdict::failed, "ok: the secret's data", ""}}, 200),
                                  "grants-scope-agent-lacks");
  ASSERT_TRUE(granted);
  EXPECT_EQ(granted->property_id, "grants-scope-agent-lacks");
}

// A token in the query string refused 403, where the step takes 400 invalid_request or 401: a
// refusal under another status, not the acceptance the step is about; a 200 is the acceptance.
TEST(FindingsTest, AnEitherOfErrorStatusesAnsweredWithAnotherErrorIsTheWrongStatus) {
  const std::string either = R"(either: [{"http_status":400,"bearer_challenge":"invalid_request"},{"http_status":401}])";
  const auto refused = finding_of(step_with({{either, Verdict::failed, "no alternative held", ""}}, 403),
                                  "accepts-token-outside-authorization-header");
  ASSERT_TRUE(refused);
  EXPECT_EQ(refused->property_id, kWrongErrorStatus);
  EXPECT_EQ(refused->evidence, "403 where 400 or 401 is due");
  const auto no_challenge = finding_of(step_with({{either, Verdict::failed, "no alternative held", ""}}, 400),
                                       "accepts-token-outside-authorization-header");
  ASSERT_TRUE(no_challenge);
  EXPECT_EQ(no_challenge->property_id, kRefusalWithoutChallenge) << "a 400 it takes, without its challenge";
  EXPECT_EQ(no_challenge->evidence, "400 without WWW-Authenticate");
  const auto accepted = finding_of(step_with({{either, Verdict::failed, "no alternative held", ""}}, 200),
                                   "accepts-token-outside-authorization-header");
  ASSERT_TRUE(accepted);
  EXPECT_EQ(accepted->property_id, "accepts-token-outside-authorization-header");
  const auto served_or_refused = finding_of(
      step_with({{R"(either: [{"ok":true},{"http_status":401}])", Verdict::failed, "no alternative held", ""}}, 403),
      "unclear-error-on-dependency-failure");
  ASSERT_TRUE(served_or_refused);
  EXPECT_EQ(served_or_refused->property_id, "unclear-error-on-dependency-failure") << "not every group asks for an error";
}

// A challenge that carries what it must not (offline_access in its scope) is no missing challenge:
// the step's own property.
TEST(FindingsTest, AChallengeHoldingWhatItMustNotKeepsTheStepsProperty) {
  const auto finding = finding_of(
      step_with({{R"(header_contains: {"WWW-Authenticate":{"not":{"contains":"offline_access"}}})", Verdict::failed, "", ""}}, 403),
      "offline-access-advertised");
  ASSERT_TRUE(finding);
  EXPECT_EQ(finding->property_id, "offline-access-advertised");
}

// Anything besides the status failing — a backend request made, a success answered — keeps the
// step's property: the error status alone does not show a refusal then.
TEST(FindingsTest, AnErrorStatusWithMoreThanTheStatusWrongKeepsTheProperty) {
  const auto backend_called = finding_of(step_with({{"http_status: 401", Verdict::failed, "HTTP 500", ""},
                                                    {"no_ledger_entry: true", Verdict::failed, "GET /issue with bob's credential", ""}},
                                                   500),
                                         "trusts-unverified-claim");
  ASSERT_TRUE(backend_called);
  EXPECT_EQ(backend_called->property_id, "trusts-unverified-claim");
  const auto error_due = finding_of(step_with({{"http_status: 200", Verdict::failed, "HTTP 500", ""}}, 500), "refuses-token-it-must-accept");
  ASSERT_TRUE(error_due);
  EXPECT_EQ(error_due->property_id, "refuses-token-it-must-accept");
  const auto no_answer = finding_of(step_with({{"http_status: 401", Verdict::failed, "no HTTP answer", ""}}, 0), "accepts-token-it-must-refuse");
  ASSERT_TRUE(no_answer);
  EXPECT_EQ(no_answer->property_id, "accepts-token-it-must-refuse");
}

// A single call answered 429 never reached what its step tests; a burst's 429s are its point.
TEST(FindingsTest, A429ToASingleCallIsARateLimitFindingNotTheStepsProperty) {
  const auto single = finding_of(step_with({{"ok: true", Verdict::failed, "HTTP 429, JSON-RPC error -32000", ""},
                                            {"backend_credential_of: alice", Verdict::failed, "no ledger entry", ""}},
                                           429),
                                 "acts-with-another-users-credentials");
  ASSERT_TRUE(single);
  EXPECT_EQ(single->property_id, kRateLimitedOutsideABurst);
  EXPECT_EQ(single->evidence, "ok: true — HTTP 429, JSON-RPC error -32000; backend_credential_of: alice — no ledger entry");

  reports::StepRecord burst = step_with({{"accepted_calls_at_least: 1", Verdict::failed, "0 accepted", ""}}, 429);
  burst.statuses = {429, 429};
  const auto of_burst = finding_of(burst, "no-per-subject-rate-limit");
  ASSERT_TRUE(of_burst);
  EXPECT_EQ(of_burst->property_id, "no-per-subject-rate-limit");
}

TEST(FindingsTest, OtherFailuresGiveTheExpectationAndWhatHappened) {
  const auto finding = finding_of(step_with({{"backend_credential_of: bob", Verdict::failed, "GET /x with alice's credential", ""},
                                             {"http_status: 200", Verdict::failed, "no HTTP answer", ""}},
                                            0),
                                  "trusts-unverified-claim");
  ASSERT_TRUE(finding);
  EXPECT_EQ(finding->evidence, "backend_credential_of: bob — GET /x with alice's credential; no HTTP answer where 200 is due");
}

// A token that should no longer work, accepted within the bound the scenario states: a finding
// that carries the bound, and that a failed check elsewhere in the step would override.
TEST(FindingsTest, ABoundedCheckGivesABoundedFindingAFailedOneAnOrdinaryOne) {
  const reports::Check within{"accepted_for_at_most_s: 300", Verdict::bounded, "until the token's exp: at most 300 s", ""};
  const auto finding = finding_of(step_with({within}, 200), "accepts-token-it-must-refuse");
  ASSERT_TRUE(finding);
  EXPECT_TRUE(finding->bounded());
  EXPECT_EQ(finding->bound, "until the token's exp: at most 300 s");
  EXPECT_EQ(finding->property_id, "accepts-token-it-must-refuse");

  const auto failed = finding_of(step_with({within, {"ok: false", Verdict::failed, "HTTP 200", ""}}, 200), "accepts-token-it-must-refuse");
  ASSERT_TRUE(failed);
  EXPECT_FALSE(failed->bounded());
  EXPECT_EQ(finding_of(step_with({within}, 200), ""), std::nullopt);  // no property, no finding
}

TEST(FindingsTest, NoFindingWithoutAFailureOrWithoutAProperty) {
  EXPECT_FALSE(finding_of(step_with({{"ok: true", Verdict::held, "ok", ""}}, 200), "no-per-subject-rate-limit"));
  EXPECT_FALSE(finding_of(step_with({{"ok: true", Verdict::inconclusive, "others in the window", ""}}, 200), "x"));
  EXPECT_FALSE(finding_of(step_with({{"ok: true", Verdict::failed, "HTTP 500", ""}}, 500), ""));
}

// A correct 401 whose only failing check is the challenge refused the token: the finding is the
// missing challenge, at warning, never the scenario's property.
TEST(FindingsTest, ARefusalWithoutTheChallengeIsItsOwnWarningNeverAnAcceptance) {
  reports::StepRecord step = step_with({{"http_status: 401", Verdict::held, "HTTP 401", ""},
                                        {"bearer_challenge: invalid_token", Verdict::failed, "HTTP 401, no WWW-Authenticate", ""},
                                        {"no_ledger_entry: true", Verdict::held, "", ""}},
                                       401);
  step.answer = "refused-without-challenge";
  const auto finding = finding_of(step, "accepts-token-it-must-refuse");
  ASSERT_TRUE(finding);
  EXPECT_EQ(finding->property_id, kRefusalWithoutChallenge);
  EXPECT_EQ(finding->level, "warning");
  EXPECT_EQ(finding->evidence, "401 without WWW-Authenticate");

  step.challenge = R"(Bearer error="unclosed)";
  EXPECT_EQ(finding_of(step, "accepts-token-it-must-refuse")->evidence,
            "401 with a malformed WWW-Authenticate (Bearer error=\"unclosed): bearer_challenge: invalid_token — HTTP 401, no WWW-Authenticate");

  // A header check of the challenge counts the same; anything else failing keeps the property.
  reports::StepRecord header = step_with({{R"(header_contains: {"WWW-Authenticate":"Bearer"})", Verdict::failed, "", ""}}, 401);
  EXPECT_EQ(finding_of(header, "trusts-unverified-claim")->property_id, kRefusalWithoutChallenge);
  reports::StepRecord echoed = step_with({{"bearer_challenge: invalid_token", Verdict::failed, "", ""},
                                          {"token_not_echoed: true", Verdict::failed, "echoed", ""}},
                                         401);
  EXPECT_EQ(finding_of(echoed, "accepts-token-it-must-refuse")->property_id, "accepts-token-it-must-refuse");
  reports::StepRecord accepted = step_with({{"bearer_challenge: invalid_token", Verdict::failed, "HTTP 200", ""}}, 200);
  EXPECT_EQ(finding_of(accepted, "accepts-token-it-must-refuse")->property_id, "accepts-token-it-must-refuse")
      << "no challenge on an acceptance is the acceptance";
}

// A forgery answered 404 or 405, or not at all, never reached the check: no verdict, neither the
// property nor a wrong status (the runner makes the scenario inconclusive).
TEST(FindingsTest, AnAnswerThatNeverReachedTheCheckGivesNoFinding) {
  for (const int status : {404, 405, 501, 0}) {
    reports::StepRecord step = step_with({{"http_status: 401", Verdict::failed, "HTTP " + std::to_string(status), ""}}, status);
    step.answer = "not-reached";
    EXPECT_FALSE(finding_of(step, "accepts-token-it-must-refuse")) << status;
  }
  // Without a classification (a report of an older run) a 404 is still not a wrong status.
  const auto unclassified = finding_of(step_with({{"http_status: 401", Verdict::failed, "HTTP 404", ""}}, 404), "accepts-token-it-must-refuse");
  ASSERT_TRUE(unclassified);
  EXPECT_NE(unclassified->property_id, kWrongErrorStatus);
}

TEST(FindingsTest, AControlStepNeverGivesAFinding) {
  reports::StepRecord step = step_with({{"http_status: 200", Verdict::failed, "HTTP 500", ""}}, 500);
  step.control = true;
  EXPECT_FALSE(finding_of(step, "acts-with-another-users-credentials"));
  step.control = false;
  EXPECT_TRUE(finding_of(step, "acts-with-another-users-credentials"));
}

TEST(FindingsTest, AFindingCarriesItsRulesLevel) {
  EXPECT_EQ(finding_of(step_with({{"http_status: 401", Verdict::failed, "HTTP 200", ""}}, 200), "accepts-token-it-must-refuse")->level,
            "error");
  EXPECT_EQ(finding_of(step_with({{"http_status: 401", Verdict::failed, "HTTP 500", ""}}, 500), "accepts-token-it-must-refuse")->level,
            "warning");
}

}  // namespace
}  // namespace mcph::harness::scenario
