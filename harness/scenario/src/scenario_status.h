#pragma once
// A scenario's status once its steps have run, from their checks.
#include "mcph/reports/model.h"

namespace mcph::harness::scenario {

// Failed when a check failed; else an error whose message starts "inconclusive:" (naming the
// first undecided check and how many more) when a check was inconclusive — never a pass; else
// it stays as it is (passed, or an error a step that could not run already set).
void settle_status(reports::ScenarioResult& result);

}  // namespace mcph::harness::scenario
