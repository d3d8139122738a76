#pragma once
// Findings: a failed step of a scenario that names the property it tests ("trusts an unverified
// claim") becomes a finding against the server the step addressed, with the evidence a person
// reads first ("500 where 401 is due").
#include <optional>
#include <string>

#include "mcph/reports/model.h"

namespace mcph::harness {

// The finding of a step that failed (a failed check) and names `property`; none otherwise.
std::optional<reports::Finding> finding_of(const reports::StepRecord& step, const std::string& property);

}  // namespace mcph::harness
