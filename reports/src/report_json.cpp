#include "mcph/reports/report_json.h"

#include <nlohmann/json.hpp>
#include <stdexcept>

namespace mcph::reports {

NLOHMANN_JSON_SERIALIZE_ENUM(Check::Verdict, {{Check::Verdict::held, "held"},
                                              {Check::Verdict::failed, "failed"},
                                              {Check::Verdict::inconclusive, "inconclusive"},
                                              {Check::Verdict::bounded, "bounded"}})
NLOHMANN_JSON_SERIALIZE_ENUM(ScenarioResult::Status, {{ScenarioResult::Status::passed, "passed"},
                                                      {ScenarioResult::Status::failed, "failed"},
                                                      {ScenarioResult::Status::skipped, "skipped"},
                                                      {ScenarioResult::Status::error, "error"}})
NLOHMANN_DEFINE_TYPE_NON_INTRUSIVE_WITH_DEFAULT(Failure, step, expectation, actual)
NLOHMANN_DEFINE_TYPE_NON_INTRUSIVE_WITH_DEFAULT(FlowStep, stage, detail)
NLOHMANN_DEFINE_TYPE_NON_INTRUSIVE_WITH_DEFAULT(UserFlow, user, steps)
NLOHMANN_DEFINE_TYPE_NON_INTRUSIVE_WITH_DEFAULT(Check, expectation, verdict, actual, where)
NLOHMANN_DEFINE_TYPE_NON_INTRUSIVE_WITH_DEFAULT(LoadLevel, concurrency, calls, failed, calls_per_second, p50_ms, p90_ms,
                                                p99_ms, max_ms, server)
NLOHMANN_DEFINE_TYPE_NON_INTRUSIVE_WITH_DEFAULT(StepRecord, title, server, ms, http_status, statuses, retry_after,
                                                trace_ids, checks, error, answer, request, challenge, control, load)
NLOHMANN_DEFINE_TYPE_NON_INTRUSIVE_WITH_DEFAULT(Finding, server, property_id, property, step, evidence, bound, level)
NLOHMANN_DEFINE_TYPE_NON_INTRUSIVE_WITH_DEFAULT(ScenarioResult, name, description, family, status, seconds, message,
                                                failures, flows, steps, findings, trace_file)
NLOHMANN_DEFINE_TYPE_NON_INTRUSIVE_WITH_DEFAULT(SuiteResult, file, name, family, started_at, scenarios)
NLOHMANN_DEFINE_TYPE_NON_INTRUSIVE_WITH_DEFAULT(RunReport, title, started_at, seconds, stack_mode, stack_idp, stack_file,
                                                seed, shuffled, suites)

std::string to_json_text(const RunReport& report) { return nlohmann::json(report).dump(1); }

RunReport run_report_from_json(const std::string& text) {
  const nlohmann::json json = nlohmann::json::parse(text, nullptr, false);
  if (!json.is_object()) throw std::invalid_argument("a run report: not a JSON object");
  try {
    return json.get<RunReport>();
  } catch (const nlohmann::json::exception& e) {
    throw std::invalid_argument(std::string("a run report: ") + e.what());
  }
}

}  // namespace mcph::reports
