#pragma once
// Checks a step's expectations against what it did (step_outcome.h). Every expectation becomes a
// report check naming the expectation as written, its verdict (held, failed, inconclusive) and
// what was seen; reports::failures_of() turns the failed ones into report failures.
#include <chrono>
#include <functional>
#include <string>
#include <vector>

#include "mcph/harness/scenario/scenario.h"
#include "mcph/reports/model.h"
#include "step_outcome.h"

namespace mcph::harness::scenario {

struct CheckContext {
  // The Vault entity id of a user ("" when Vault has none), and the name of an entity id.
  std::function<std::string(const std::string& username)> entity_of;
  std::function<std::string(const std::string& entity_id)> entity_name;
  // The per-subject rate limit the scenario file states (needs: rate_limit), 0 when it states
  // none: what a burst must outpace before its lack of a 429 means anything.
  int rate_limit = 0;
  std::chrono::milliseconds rate_window{0};
};

// `expectations` have their ${…} substituted already. One check per expectation, in order.
std::vector<reports::Check> check_expectations(const std::vector<Expectation>& expectations,
                                                 const StepOutcome& outcome, const CheckContext& context);

// Whether a step's expectations ask for a refusal: `ok: false`, a 4xx or 5xx status, a challenge,
// a JSON-RPC error.
bool expects_a_refusal(const std::vector<Expectation>& expectations);
// Whether they ask for the request to be served: `ok: true` or a 2xx status, and no refusal.
bool expects_to_be_served(const std::vector<Expectation>& expectations);

}  // namespace mcph::harness::scenario
