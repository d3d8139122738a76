#pragma once
// A token forged as a step says: the token step's `token: forge`, and the workload step's
// `forge:`, which bends an agent's bound token before it is presented. One place fetches what a
// signing needs from the stack (the realm's JWKS, the realm publishing the harness's own key).
#include <string>

#include "../token_forge.h"
#include "step_kind.h"

namespace mcph::harness::scenario {

// The kid the realm publishes the harness's own key under (sign: realm_key), added to the
// realm's keys when it is not among them.
std::string realm_key_kid(StepRun& run);

// `token` forged as `spec` says, with what its signing needs got from the stack.
std::string forge_as_step_says(const std::string& token, ForgeSpec spec, StepRun& run);

}  // namespace mcph::harness::scenario
