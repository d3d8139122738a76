#pragma once
// What `run` and `merge` both do with a finished report: write the report files the flags ask
// for (--junit, --html, --sarif) and print the scenarios that failed or broke.
#include "mcph/cli/flags.h"
#include "mcph/reports/model.h"

namespace mcph::harness::cli {

// Throws what the writers throw (a file that cannot be written).
void write_report_files(const reports::RunReport& report, const mcph::cli::Flags& flags);

// Each passed scenario's bounded findings with their bound, and each failed or broken scenario
// with its failures, findings and message.
void print_failed_scenarios(const reports::RunReport& report);

}  // namespace mcph::harness::cli
