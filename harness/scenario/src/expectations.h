#pragma once
// Checks a step's expectations against what it did (step_outcome.h). Each expectation that
// does not hold becomes a report failure naming the expectation as written and what happened.
#include <functional>
#include <string>
#include <vector>

#include "mcph/harness/scenario.h"
#include "mcph/reports/model.h"
#include "step_outcome.h"

namespace mcph::harness {

struct CheckContext {
  // The Vault entity id of a user ("" when Vault has none), and the name of an entity id.
  std::function<std::string(const std::string& username)> entity_of;
  std::function<std::string(const std::string& entity_id)> entity_name;
};

// `expectations` have their ${…} substituted already.
std::vector<reports::Failure> check_expectations(const std::vector<Expectation>& expectations,
                                                 const StepOutcome& outcome, const CheckContext& context);

}  // namespace mcph::harness
