#pragma once
// What `run --family X` says when nothing of X applies to the stack: every scenario of the
// family was skipped, each with its reason, the run exits 0, and the terminal says so in one line
// rather than leave a reader to find that nothing ran.
#include <string>
#include <vector>

#include "mcph/harness/stack/stack_file.h"
#include "mcph/reports/model.h"
#include "scenario_selection.h"

namespace mcph::harness::cli {

// "nothing of family X applies to this stack: <the reasons, each once>\n" for each of `families`
// whose selected scenarios were all skipped as not applicable; "" for a family of which something
// ran (or was interrupted).
std::string families_not_applicable(const reports::RunReport& report, const Selection& selection,
                                    const std::vector<std::string>& families);

// The same line for every family of `selection` of which nothing would apply to `stack`, judged
// as run judges it before a scenario runs (ScenarioRunner::not_applicable), without running any.
std::string families_not_applicable(const stack::StackFile& stack, const Selection& selection);

}  // namespace mcph::harness::cli
