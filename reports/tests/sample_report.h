#pragma once
#include "mcph/reports/model.h"

namespace mcph::reports::testing {

// A run with every kind of result (passed, failed, error, skipped, inconclusive), steps with
// held, failed and inconclusive checks, a burst with 429s and Retry-After, a load step's
// percentiles, findings against two servers, flows for two users and realistic (masked)
// values: what the tests check and what reports_sample renders.
RunReport sample_report();

// The sample with one more passing scenario in its jwt-attacks suite: a signed-out session's
// token accepted within the bound the scenario states, a bounded finding against jira-mcp.
RunReport sample_report_with_a_bounded_finding();

// A user's flow through the stack, as the runner records it, ending at the credential whose
// last 4 characters are credential_tail.
UserFlow sample_flow(const std::string& user, const std::string& uuid, const std::string& credential_tail);

}  // namespace mcph::reports::testing
