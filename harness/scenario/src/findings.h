#pragma once
// Findings: a failed step of a scenario that names the property it tests (by its id,
// "trusts-unverified-claim") becomes a finding against the server the step addressed, with the evidence a person
// reads first ("500 where 401 is due"), judged only on what the step is about: what its answer
// was comes first (the step's `answer`, answer_class.h).
#include <optional>
#include <string>
#include <string_view>

#include "mcph/reports/model.h"

namespace mcph::harness::scenario {

// What a refusal under the wrong status shows, whatever property its step tests.
inline constexpr std::string_view kWrongErrorStatus = "wrong-error-status";
// What a 429 to a single call shows, whatever property its step tests: the runner keeps its own
// calls within the limit the stack states (user_pacer.h), so only a burst is due one. The call
// never reached what the step tests (acts-with-another-users-credentials would be false).
inline constexpr std::string_view kRateLimitedOutsideABurst = "rate-limited-outside-burst";
// What a refusal without the challenge due shows (401 without WWW-Authenticate, or with a
// malformed one or another than the step wants), whatever property its step tests: the server
// did refuse, so "accepts a token it must refuse" would be false.
inline constexpr std::string_view kRefusalWithoutChallenge = "refusal-without-challenge";

// The finding of a step that failed (a failed check) and names `property_id`, with the property's
// text from the taxonomy (reports/taxonomy.h) and its level; none otherwise. In order:
// - a control step, or a step whose answer never reached what it tests (not-reached: 404, 405,
//   501, no HTTP answer), gives none: the runner makes the scenario inconclusive instead;
// - a single call answered 429 shows kRateLimitedOutsideABurst;
// - a refusal (an error status) whose only failed checks are the challenge's (bearer_challenge,
//   a WWW-Authenticate header) shows kRefusalWithoutChallenge, with the challenge as it came;
// - a refusal only not with the status due (an error status other than the one expected, and
//   nothing failed but the status and its challenge) shows kWrongErrorStatus: a server that
//   answers a forged token with 500 did not accept it, and saying it did would be false;
// - anything else, the step's property.
// A step whose only finding is within a bound the scenario accepts (a bounded check) gives a
// bounded finding: the scenario still passes, and the reports show the property with its bound.
// The evidence of a step's failed checks, joined with "; ": a status expectation as "500 where
// 401 is due", any other as the expectation and what happened instead; "" when none failed.
std::string failed_evidence(const reports::StepRecord& step);

std::optional<reports::Finding> finding_of(const reports::StepRecord& step, const std::string& property_id);

}  // namespace mcph::harness::scenario
