#include "baseline_flags.h"

#include <cstdio>
#include <cstdlib>


namespace mcph::harness::cli {

void add_baseline_flags(mcph::cli::Flags& flags) {
  flags
      .option("baseline", "",
              "a file of accepted findings (docs/baselines.md): they are reported but do not fail the run; new ones do")
      .toggle("strict-baseline", "with --baseline: an entry that matches no finding (stale) fails the run too")
      .option("write-baseline", "", "write a baseline accepting every finding of this run to this file, to review and commit")
      .option("accepted-by", "", "who accepts the findings --write-baseline writes [default: $USER]");
}

std::optional<reports::Baseline> baseline_from_flags(const mcph::cli::Flags& flags) {
  if (flags.get("baseline").empty()) {
    if (flags.on("strict-baseline")) throw reports::BaselineError("--strict-baseline needs --baseline FILE");
    return std::nullopt;
  }
  return reports::read_baseline(flags.get("baseline"));
}

void use_baseline(reports::RunReport& report, const std::optional<reports::Baseline>& baseline,
                  const mcph::cli::Flags& flags) {
  if (baseline) reports::apply_baseline(report, *baseline, reports::utc_now().substr(0, 10));
  if (const std::string path = flags.get("write-baseline"); !path.empty()) {
    std::string who = flags.get("accepted-by");
    const char* user = std::getenv("USER");
    if (who.empty() && user != nullptr) who = user;
    if (who.empty()) who = "unknown";
    const std::string reason = "written from the run of " + report.started_at + ": replace with why it is accepted";
    reports::write_baseline_file(report, path, who, reason);
    std::printf("baseline: %s (every finding of this run; review each reason before committing it)\n", path.c_str());
  }
}

}  // namespace mcph::harness::cli
