// The `wait` step: time passing, for what expires or refills (a token, a lease, a rate limit).
#include <thread>

#include "../step_executor.h"
#include "mcph/reports/model.h"
#include "step_kind.h"

namespace mcph::harness::scenario {
namespace {

void run_wait(const WaitStep& step, StepRun& run) {
  run.executor.announce_wait(step.seconds, "wait step at " + run.step.where.to_string());
  std::this_thread::sleep_for(std::chrono::duration<double>(step.seconds));
}

std::string wait_title(const WaitStep& step, const std::string&) { return "wait " + reports::human_duration(step.seconds); }

}  // namespace

StepKindInfo wait_step_kind() {
  return {
      .kind = StepKind::wait,
      .name = "wait",
      .summary = "Time passing, for what expires or refills.",
      .example = "wait: 1.5s",
      .fields = {{"wait", "a duration: `1.5s`, `500ms`, `2` (seconds), `1m`; at most 10 minutes"}},
      .read = [](const StepSource& source) -> StepSpec {
        return WaitStep{parse_duration(source.reader, source.value, source.here)};
      },
      .run = runner<WaitStep>(run_wait),
      .title = titler<WaitStep>(wait_title),
      .addressed = [](const StepExecutor&, const Step&) { return std::string(); },
      .needs_caller = never,
  };
}

}  // namespace mcph::harness::scenario
