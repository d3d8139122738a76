// The `fault` step: a toxic on the stack's fault proxy, a backend's HTTP error, or faults
// cleared (family 7); undone when the scenario ends, however it ends.
#include "../fault_spec.h"
#include "../step_executor.h"
#include "mcph/harness/stack/service_table.h"
#include "step_kind.h"

namespace mcph::harness::scenario {
namespace {

void run_fault(const FaultSpec& fault, StepRun& run) { run.executor.faults().apply(fault, run.state.faults, run.state.seed, run.out, run.record); }

std::string fault_title(const FaultSpec& fault, const std::string&) {
  if (!fault.clear.empty()) return "fault: clear " + fault.clear;
  return "fault: " + fault.toxic + " on " + fault.target + (fault.path.empty() ? "" : " for " + fault.path + "…");
}

}  // namespace

StepKindInfo fault_step_kind() {
  return {
      .kind = StepKind::fault,
      .name = "fault",
      .summary = "A toxic on one of the fault proxy's targets, an HTTP error from a mock backend, answers made in a "
                 "target's place, or faults cleared; what a scenario adds is undone when it ends.",
      .example = "fault: {target: vault, toxic: latency, latency_ms: 5000}",
      .fields = {{"fault.target", "`vault`, `keycloak`, `postgres`, `jira-api`, `github-api`, `opa`"},
                 {"fault.toxic", "`latency`, `timeout`, `reset_peer`, `bandwidth`, `slicer`, `slow_close`, `limit_data`, "
                                 "`down`, `http_error`, `http_answer`; each with its own attributes (`latency_ms`, `status`, …)"},
                 {"fault.body", "`http_answer`: the body every request to the target gets, with its `status`"},
                 {"fault.path", "`http_answer`: only requests whose path starts with this get the answer (e.g. "
                                "`/v1/auth/token/create`); the others reach the target as they came"},
                 {"fault.stream", "`downstream` (default) or `upstream`"},
                 {"fault.clear", "a target, or `all`: remove faults instead of adding one"}},
      .read = [](const StepSource& source) -> StepSpec {
        return read_json_step(source.reader, source.value, source.here, read_fault_spec);
      },
      .run = runner<FaultSpec>(run_fault),
      .title = titler<FaultSpec>(fault_title),
      .addressed = [](const StepExecutor&, const Step&) { return std::string(stack::kFaultProxyService); },
      .needs_caller = never,
  };
}

}  // namespace mcph::harness::scenario
