#pragma once
// Whether the stack's trust domain can be asked what a scenario asks of it: the real SPIRE (the
// `spiffe` row's native implementation) mints through its Workload API only: no lifetime longer
// than its entries' (a shorter one is an entry updated around the step). An SVID of another trust
// domain the harness signs with the server's own key, when the stack file says where its disk key
// manager keeps it. Its keys the harness rotates as its operator would.
#include <optional>
#include <string>

#include "mcph/harness/scenario/scenario.h"
#include "mcph/harness/stack/stack_file.h"

namespace mcph::harness::scenario {

// "not applicable: …" when the scenario asks SPIRE for what only mock-spiffe gives, else nullopt.
std::optional<std::string> trust_domain_cannot(const Scenario& scenario, const stack::StackFile& stack);

}  // namespace mcph::harness::scenario
