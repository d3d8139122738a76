#pragma once
// Findings: a failed step of a scenario that names the property it tests (by its id,
// "trusts-unverified-claim") becomes a finding against the server the step addressed, with the evidence a person
// reads first ("500 where 401 is due").
#include <optional>
#include <string>
#include <string_view>

#include "mcph/reports/model.h"

namespace mcph::harness {

// What a refusal under the wrong status shows, whatever property its step tests.
inline constexpr std::string_view kWrongErrorStatus = "wrong-error-status";
// What a 429 to a single call shows, whatever property its step tests: the runner keeps its own
// calls within the limit the stack states (user_pacer.h), so only a burst is due one. The call
// never reached what the step tests (acts-with-another-users-credentials would be false).
inline constexpr std::string_view kRateLimitedOutsideABurst = "rate-limited-outside-burst";

// The finding of a step that failed (a failed check) and names `property_id`, with the property's
// text from the taxonomy (reports/taxonomy.h); none otherwise. A
// step that was refused, only not with the status due (an error status other than the one
// expected, and nothing failed but the status and its challenge), shows kWrongErrorStatus instead:
// a server that answers a forged token with 500 did not accept it, and saying it did would be false.
// A single call answered 429 shows kRateLimitedOutsideABurst. A step whose only finding is
// within a bound the scenario accepts (a bounded check) gives a bounded finding: the scenario
// still passes, and the reports show the property with its bound.
std::optional<reports::Finding> finding_of(const reports::StepRecord& step, const std::string& property_id);

}  // namespace mcph::harness
