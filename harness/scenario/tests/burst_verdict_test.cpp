// A burst's verdict on a rate limit comes from what the burst achieved: no 429 is the finding
// "no per-subject rate limit" only when the calls came faster than the stated limit lets
// through; a burst too slow to reach it (a sanitizer on a busy machine) tested nothing and is
// reported inconclusive, with its rate, and no finding.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "expectations.h"
#include "findings.h"
#include "scenario_status.h"
#include "steps/rpc_outcome.h"

namespace mcph::harness::scenario {
namespace {

using ::testing::HasSubstr;
using ::testing::StartsWith;
using Json = nlohmann::json;
using Verdict = reports::Check::Verdict;
using Status = reports::ScenarioResult::Status;
using Clock = std::chrono::steady_clock;
using std::chrono::milliseconds;

const std::string kProperty = "no-per-subject-rate-limit";

CheckContext limit_of_20_per_second() {
  CheckContext context;
  context.entity_of = [](const std::string&) { return std::string(); };
  context.entity_name = [](const std::string&) { return std::string(); };
  context.rate_limit = 20;
  context.rate_window = milliseconds(1000);
  return context;
}

// user0004's burst of `calls` calls, one sent every `gap` and each answered 5 ms later; the
// calls from `first_rejected` on answered 429 with Retry-After: 1.
StepOutcome burst(int calls, milliseconds gap, int first_rejected = -1) {
  StepOutcome outcome;
  outcome.title = "1: user0004 calls jira.list_issues";
  outcome.caller = "user0004";
  outcome.server = "jira-mcp";
  const Clock::time_point start = Clock::now();
  for (int i = 0; i < calls; ++i) {
    const bool rejected = first_rejected >= 0 && i >= first_rejected;
    const int status = rejected ? 429 : 200;
    const Clock::time_point sent = start + i * gap;
    outcome.burst.calls.push_back({sent, sent + milliseconds(5), status, rejected ? "1" : ""});
    outcome.burst.statuses.push_back(status);
    if (!rejected) ++outcome.burst.accepted;
    if (rejected && outcome.burst.retry_after.empty()) outcome.burst.retry_after = "1";
  }
  outcome.http.status = 200;
  outcome.rpc.result = true;
  return outcome;
}

const std::vector<Expectation> kRateLimitStep = {{"some_http_status", "429", {"rate_limit.yaml", 19}},
                                                 {"retry_after", "true", {"rate_limit.yaml", 20}},
                                                 {"accepted_calls_at_least", "1", {"rate_limit.yaml", 21}}};

// The step as the runner records it, the scenario's status and its finding.
struct Judged {
  reports::StepRecord step;
  reports::ScenarioResult scenario;
  std::optional<reports::Finding> finding;
};

Judged judge(const StepOutcome& outcome, const CheckContext& context = limit_of_20_per_second()) {
  Judged out;
  out.step.title = outcome.title;
  out.step.server = outcome.server;
  out.step.checks = check_expectations(kRateLimitStep, outcome, context);
  out.scenario.failures = reports::failures_of(out.step);
  out.scenario.steps.push_back(out.step);
  settle_status(out.scenario);
  out.finding = finding_of(out.step, kProperty);
  return out;
}

TEST(BurstVerdict, ABurstTooSlowToReachTheLimitIsInconclusiveWithItsRateAndNoFinding) {
  const Judged judged = judge(burst(40, milliseconds(70)));  // 14 calls a second, all accepted
  ASSERT_EQ(judged.step.checks.size(), 3u);
  EXPECT_EQ(judged.step.checks[0].verdict, Verdict::inconclusive) << judged.step.checks[0].actual;
  EXPECT_EQ(judged.step.checks[1].verdict, Verdict::inconclusive) << judged.step.checks[1].actual;
  EXPECT_EQ(judged.step.checks[2].verdict, Verdict::held);
  EXPECT_THAT(judged.step.checks[0].actual, StartsWith("40 calls: 40 \u00d7 200; the burst's 40 calls came at 14/s"));
  EXPECT_THAT(judged.step.checks[0].actual, HasSubstr("at most 15 sent in any 1000 ms"));
  EXPECT_THAT(judged.step.checks[0].actual,
              HasSubstr("never more than a limit of 20 per 1000 ms lets through, so the limit was not tested"));
  EXPECT_EQ(judged.scenario.status, Status::error);  // shown as "broken"
  EXPECT_THAT(judged.scenario.message, StartsWith(reports::kInconclusivePrefix));
  EXPECT_TRUE(judged.scenario.failures.empty());
  EXPECT_FALSE(judged.finding.has_value()) << judged.finding->evidence;
}

// More than 20 in a second is not yet too many for a token bucket of 20 refilled at 20 a second
// (the reference servers'): 40 calls at 30 a second take 1.3 s, in which it lets 46 through.
// A good limiter would not refuse them, so their lack of a 429 shows nothing either.
TEST(BurstVerdict, OverTheLimitInOneWindowButWithinTheBucketsRefillIsStillInconclusive) {
  const Judged judged = judge(burst(40, milliseconds(33)));
  EXPECT_EQ(judged.step.checks[0].verdict, Verdict::inconclusive) << judged.step.checks[0].actual;
  EXPECT_THAT(judged.step.checks[0].actual, HasSubstr("at most 31 sent in any 1000 ms"));
  EXPECT_FALSE(judged.finding.has_value());
}

TEST(BurstVerdict, AFastBurstWithoutA429IsTheFindingNamingTheProperty) {
  const Judged judged = judge(burst(40, milliseconds(2)));  // 40 calls within 85 ms, all accepted
  EXPECT_EQ(judged.step.checks[0].verdict, Verdict::failed) << judged.step.checks[0].actual;
  EXPECT_EQ(judged.step.checks[0].actual, "40 calls: 40 \u00d7 200");
  EXPECT_EQ(judged.step.checks[1].verdict, Verdict::failed) << judged.step.checks[1].actual;
  EXPECT_EQ(judged.scenario.status, Status::failed);
  ASSERT_TRUE(judged.finding.has_value());
  EXPECT_EQ(judged.finding->property_id, kProperty);
  EXPECT_EQ(judged.finding->server, "jira-mcp");
  EXPECT_THAT(judged.finding->evidence, HasSubstr("some_http_status: 429 — 40 calls: 40 \u00d7 200"));
}

TEST(BurstVerdict, AFastBurstThatGot429WithRetryAfterPasses) {
  const Judged judged = judge(burst(40, milliseconds(2), 20));
  for (const auto& check : judged.step.checks) EXPECT_EQ(check.verdict, Verdict::held) << check.expectation << ": " << check.actual;
  EXPECT_EQ(judged.scenario.status, Status::passed);
  EXPECT_FALSE(judged.finding.has_value());
}

// A 429 is proof of a limit however slowly it came; only its absence needs the burst's speed.
TEST(BurstVerdict, ASlowBurstThatGot429StillPasses) {
  const Judged judged = judge(burst(40, milliseconds(70), 30));
  EXPECT_EQ(judged.scenario.status, Status::passed) << judged.scenario.message;
}

// A 429 without Retry-After is the server's defect, fast burst or slow.
TEST(BurstVerdict, A429WithoutRetryAfterFailsWhateverTheBurstsSpeed) {
  StepOutcome outcome = burst(40, milliseconds(70), 30);
  outcome.burst.retry_after.clear();
  const Judged judged = judge(outcome);
  EXPECT_EQ(judged.step.checks[1].verdict, Verdict::failed);
  ASSERT_TRUE(judged.finding.has_value());
}

TEST(BurstVerdict, WithoutAStatedLimitTheLackOfA429CannotBeJudged) {
  CheckContext context = limit_of_20_per_second();
  context.rate_limit = 0;
  const Judged judged = judge(burst(40, milliseconds(2)), context);
  EXPECT_EQ(judged.step.checks[0].verdict, Verdict::inconclusive);
  EXPECT_THAT(judged.step.checks[0].actual, HasSubstr("neither the scenario file (needs: {rate_limit: {requests: N, window_ms: W}}) "
                                                      "nor the target's stack entry (rate_limit) states a rate limit"));
  EXPECT_FALSE(judged.finding.has_value());
}

// A file that states no limit holds the target to the one its stack entry states.
TEST(BurstVerdict, TheTargetsStatedLimitJudgesABurstTheFileStatesNoneFor) {
  CheckContext context = limit_of_20_per_second();
  context.rate_limit = 0;
  StepOutcome fast = burst(40, milliseconds(2));
  fast.burst.stated_limit = 20;
  fast.burst.stated_window = milliseconds(1000);
  const Judged judged = judge(fast, context);
  EXPECT_EQ(judged.step.checks[0].verdict, Verdict::failed) << judged.step.checks[0].actual;
  EXPECT_TRUE(judged.finding.has_value());
  StepOutcome slow = burst(40, milliseconds(70));
  slow.burst.stated_limit = 20;
  slow.burst.stated_window = milliseconds(1000);
  EXPECT_EQ(judge(slow, context).step.checks[0].verdict, Verdict::inconclusive) << "a burst slower than the limit tests nothing";
}

// A batch answered whole shows that batches escape a limit only where a limit is stated and the
// batch outgrows it; else its 429 check is inconclusive, saying why, and nothing is found.
TEST(BatchVerdict, ABatchShowsHowItIsChargedOnlyBeyondAStatedLimit) {
  EXPECT_THAT(batch_caveat({}, 25, "vault-bridge-go"),
              HasSubstr("the stack states no rate limit for vault-bridge-go (services.vault-bridge-go.rate_limit)"));
  EXPECT_EQ(batch_caveat({100, milliseconds(1000)}, 25, "jira-mcp"),
            "a batch of 25 calls is within jira-mcp's stated limit of 100/1000ms");
  EXPECT_EQ(batch_caveat({20, milliseconds(1000)}, 25, "jira-mcp"), "");

  StepOutcome outcome;
  outcome.title = "2: agent-c calls vault-bridge-go to read jira 25 times in one batch";
  outcome.http.status = 200;
  outcome.caveat = batch_caveat({}, 25, "vault-bridge-go");
  const auto unknown = check_expectations({{"http_status", "429", {"x.yaml", 1}}}, outcome, limit_of_20_per_second());
  EXPECT_EQ(unknown.at(0).verdict, Verdict::inconclusive);
  EXPECT_THAT(unknown.at(0).actual, HasSubstr("cannot be told from a server that limits no one"));
  outcome.caveat = batch_caveat({20, milliseconds(1000)}, 25, "vault-bridge-go");
  EXPECT_EQ(check_expectations({{"http_status", "429", {"x.yaml", 1}}}, outcome, limit_of_20_per_second()).at(0).verdict,
            Verdict::failed);
}

// Another status wanted somewhere in a burst keeps its plain verdict.
TEST(BurstVerdict, OtherStatusesAreJudgedAsBefore) {
  const auto checks = check_expectations({{"some_http_status", "401", {"x.yaml", 1}}}, burst(3, milliseconds(70)),
                                         limit_of_20_per_second());
  EXPECT_EQ(checks.at(0).verdict, Verdict::failed);
}

}  // namespace
}  // namespace mcph::harness::scenario
