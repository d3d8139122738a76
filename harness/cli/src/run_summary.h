#pragma once
// What `run` and `merge` print under their counts: how many properties the findings show
// broken, each passed scenario's bounded findings, and each failed, broken or inconclusive
// scenario with its failures, findings, the checks the harness could not decide and its message.
#include <string>

#include "mcph/reports/model.h"

namespace mcph::harness::cli {

std::string run_summary(const reports::RunReport& report);

}  // namespace mcph::harness::cli
