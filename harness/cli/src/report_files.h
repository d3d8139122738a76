#pragma once
// What `run` and `merge` both do with a finished report: write the report files the flags ask
// for (--junit, --html, --sarif).
#include "mcph/cli/flags.h"
#include "mcph/reports/model.h"

namespace mcph::harness::cli {

// Throws what the writers throw (a file that cannot be written).
void write_report_files(const reports::RunReport& report, const mcph::cli::Flags& flags);

}  // namespace mcph::harness::cli
