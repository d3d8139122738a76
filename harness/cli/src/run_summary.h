#pragma once
// What `run` and `merge` print under their counts: how many properties the findings show
// broken, each passed scenario's bounded findings, and each failed, broken or inconclusive
// scenario with its failures, findings, the checks the harness could not decide and its message.
#include <string>

#include "mcph/reports/model.h"

namespace mcph::harness::cli {

std::string run_summary(const reports::RunReport& report);

// The exit code of `run` and `merge` for a finished report: 0 when every scenario passed or was
// skipped, 1 when one failed (a finding) or broke, 5 when none did and nothing ran (below), 4 when
// none did but the harness could not decide one (inconclusive: a control failed, a step was not
// reached) — a verdict of the harness's reach, not of the server, which a CI job may want to treat
// apart from a finding. A failed scenario whose every finding the run's baseline accepts does not
// count; with `strict_baseline`, a baseline entry that matched nothing is 1.
int run_exit_code(const reports::RunReport& report, bool strict_baseline = false);
// That 4: what the harness could not decide, a target not reached among it (probe's too).
inline constexpr int kExitInconclusive = 4;
// That 5: every scenario selected was skipped (the stack's configuration check is not one of
// them), so the run tested nothing, which no CI job may take for a pass.
inline constexpr int kExitNothingRan = 5;
bool nothing_ran(const reports::RunReport& report);

}  // namespace mcph::harness::cli
