#pragma once
// What `run` and `merge` both do with a baseline of accepted findings (mcph/reports/baseline.h):
// --baseline FILE read before anything runs, applied to the finished report; --write-baseline
// FILE written from it; --strict-baseline makes a stale entry fail the run.
#include <optional>
#include <string>

#include "mcph/cli/flags.h"
#include "mcph/reports/baseline.h"

namespace mcph::harness::cli {

void add_baseline_flags(mcph::cli::Flags& flags);

// The baseline --baseline names, read and checked; nullopt without the flag. Throws
// reports::BaselineError, saying what is wrong and where.
std::optional<reports::Baseline> baseline_from_flags(const mcph::cli::Flags& flags);

// Applies the baseline (when there is one) to the finished report, with today's UTC date, and
// writes --write-baseline's file. Throws what writing a file throws.
void use_baseline(reports::RunReport& report, const std::optional<reports::Baseline>& baseline,
                  const mcph::cli::Flags& flags);

}  // namespace mcph::harness::cli
