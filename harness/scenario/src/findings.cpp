#include "findings.h"

#include "mcph/secrets/scrub.h"

namespace mcph::harness {

namespace {

// What one failed check shows: a status expectation as "500 where 401 is due", any other as the
// expectation and what happened instead.
std::string evidence_of(const reports::Check& check, int http_status) {
  constexpr std::string_view status_kind = "http_status: ";
  if (check.expectation.rfind(status_kind, 0) == 0) {
    const std::string due = check.expectation.substr(status_kind.size());
    const std::string got = http_status == 0 ? std::string("no HTTP answer") : std::to_string(http_status);
    return got + " where " + due + " is due";
  }
  return check.expectation + " — " + check.actual;
}

}  // namespace

std::optional<reports::Finding> finding_of(const reports::StepRecord& step, const std::string& property) {
  if (property.empty()) return std::nullopt;
  std::string evidence;
  for (const auto& check : step.checks) {
    if (check.verdict != reports::Check::Verdict::failed) continue;
    evidence += (evidence.empty() ? "" : "; ") + evidence_of(check, step.http_status);
  }
  if (evidence.empty()) return std::nullopt;
  return reports::Finding{step.server, property, step.title, secrets::scrub(evidence)};
}

}  // namespace mcph::harness
