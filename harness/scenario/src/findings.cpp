#include "findings.h"

#include "answer_class.h"

#include <algorithm>
#include <cstdlib>
#include <nlohmann/json.hpp>
#include <optional>
#include <vector>

#include "mcph/reports/taxonomy.h"
#include "mcph/secrets/scrub.h"

namespace mcph::harness::scenario {

namespace {

// The status an `http_status: N` check wanted, as written; nullopt for any other check.
std::optional<std::string> due_status(const reports::Check& check) {
  constexpr std::string_view status_kind = "http_status: ";
  if (check.expectation.rfind(status_kind, 0) != 0) return std::nullopt;
  return check.expectation.substr(status_kind.size());
}

// The error statuses an `either:` check asks for, one per group (`either: [{http_status: 400, …},
// {http_status: 401}]` → 400, 401); empty for any other check, or when a group names none.
std::vector<int> either_error_statuses(const reports::Check& check) {
  constexpr std::string_view either_kind = "either: ";
  if (check.expectation.rfind(either_kind, 0) != 0) return {};
  const auto groups = nlohmann::json::parse(check.expectation.substr(either_kind.size()), nullptr, false);
  if (!groups.is_array()) return {};
  std::vector<int> statuses;
  for (const auto& group : groups) {
    const auto status = group.find("http_status");
    if (status == group.end() || !status->is_number_integer() || status->get<int>() < 400) return {};
    if (std::find(statuses.begin(), statuses.end(), status->get<int>()) == statuses.end()) statuses.push_back(status->get<int>());
  }
  return statuses;
}

// What one failed check shows: a status expectation as "500 where 401 is due", any other as the
// expectation and what happened instead.
std::string evidence_of(const reports::Check& check, int http_status) {
  const std::string got = http_status == 0 ? std::string("no HTTP answer") : std::to_string(http_status);
  if (const auto due = due_status(check)) return got + " where " + *due + " is due";
  if (const auto due = either_error_statuses(check); !due.empty()) {
    std::string statuses;
    for (const int status : due) statuses += (statuses.empty() ? "" : " or ") + std::to_string(status);
    return got + " where " + statuses + " is due";
  }
  return check.expectation + " — " + check.actual;
}

// A check of the challenge that goes with a refusal: bearer_challenge, a WWW-Authenticate header
// it must carry. One of what the header must not carry (a `not` matcher) is no missing challenge:
// the step is about what the challenge holds.
bool challenge_check(const reports::Check& check) {
  const std::string& expectation = check.expectation;
  return expectation.rfind("bearer_challenge:", 0) == 0 ||
         (expectation.rfind("header_contains:", 0) == 0 && expectation.find("WWW-Authenticate") != std::string::npos &&
          expectation.find(R"({"not":)") == std::string::npos);
}

// An error status that is an answer of the endpoint the step tests (not_reached_status's are not).
bool refusal_status(int http_status) { return http_status >= 400 && !not_reached_status(http_status); }

// An `either:` of error statuses answered with one of them failed on what else its group asks:
// in the families, the challenge that goes with that status.
bool either_failed_on_its_challenge(const reports::Check& check, int http_status) {
  const std::vector<int> statuses = either_error_statuses(check);
  return std::find(statuses.begin(), statuses.end(), http_status) != statuses.end();
}

// Whether the failed checks show a refusal without the challenge due: an error status, and
// nothing failed but the challenge's checks.
bool refused_without_challenge(const std::vector<const reports::Check*>& failed, int http_status) {
  if (!refusal_status(http_status)) return false;
  for (const reports::Check* check : failed) {
    if (!challenge_check(*check) && !either_failed_on_its_challenge(*check, http_status)) return false;
  }
  return true;
}

// A `refused: KIND` check: the tool map's refusal of that kind was due.
bool refusal_kind_check(const reports::Check& check) { return check.expectation.rfind("refused: ", 0) == 0; }

// Whether the failed checks show a refusal under another error status: an http_status expecting
// an error, or a refusal of the tool map's kind, failed with an error status, and nothing else
// failed but the challenge that goes with the status due. (A scope the agent lacks refused as an
// invalid token is refused all the same: the wrong refusal, never the scope granted.)
bool refused_with_another_status(const std::vector<const reports::Check*>& failed, int http_status) {
  bool wrong_status = false;
  for (const reports::Check* check : failed) {
    if (const auto due = due_status(*check)) {
      if (std::atoi(due->c_str()) < 400 || !refusal_status(http_status)) return false;
      wrong_status = true;
    } else if (refusal_kind_check(*check)) {
      if (!refusal_status(http_status)) return false;
      wrong_status = true;
    } else if (!either_error_statuses(*check).empty()) {
      if (!refusal_status(http_status)) return false;
      wrong_status = true;
    } else if (!challenge_check(*check)) {
      return false;
    }
  }
  return wrong_status;
}

// The evidence of a refusal without its challenge, as the server sent it: "401 without
// WWW-Authenticate", else the challenge that came and what the step wanted of it.
std::string challenge_evidence(const reports::StepRecord& step, const std::string& checks) {
  const std::string status = std::to_string(step.http_status);
  if (step.challenge.empty()) return status + " without WWW-Authenticate";
  const std::string shape = step.answer == "refused-without-challenge" ? "a malformed" : "another";
  return status + " with " + shape + " WWW-Authenticate (" + step.challenge + "): " + checks;
}

reports::Finding finding(const reports::StepRecord& step, std::string_view property_id, std::string evidence,
                         std::string bound) {
  const reports::Rule rule = reports::rule_for(property_id);
  return reports::Finding{step.server,       std::string(property_id),  rule.property,
                          step.title,        secrets::scrub(evidence),  secrets::scrub(bound),
                          std::string(reports::level(rule)), {}};
}

// A step with no failed check but a bounded one: the finding with its bound.
std::optional<reports::Finding> bounded_finding_of(const reports::StepRecord& step, const std::string& property_id) {
  for (const auto& check : step.checks) {
    if (check.verdict != reports::Check::Verdict::bounded) continue;
    return finding(step, property_id, check.expectation + " — accepted", check.actual);
  }
  return std::nullopt;
}

}  // namespace

std::string failed_evidence(const reports::StepRecord& step) {
  std::string evidence;
  for (const auto& check : step.checks) {
    if (check.verdict == reports::Check::Verdict::failed) {
      evidence += (evidence.empty() ? "" : "; ") + evidence_of(check, step.http_status);
    }
  }
  return evidence;
}

std::optional<reports::Finding> finding_of(const reports::StepRecord& step, const std::string& property_id) {
  if (property_id.empty() || step.control) return std::nullopt;
  std::vector<const reports::Check*> failed;
  for (const auto& check : step.checks) {
    if (check.verdict == reports::Check::Verdict::failed) failed.push_back(&check);
  }
  const std::string evidence = failed_evidence(step);
  if (evidence.empty()) return bounded_finding_of(step, property_id);
  if (step.answer == "not-reached") return std::nullopt;
  const bool burst = !step.statuses.empty();
  if (step.http_status == 429 && !burst) return finding(step, kRateLimitedOutsideABurst, evidence, "");
  if (refused_without_challenge(failed, step.http_status)) {
    return finding(step, kRefusalWithoutChallenge, challenge_evidence(step, evidence), "");
  }
  if (refused_with_another_status(failed, step.http_status)) return finding(step, kWrongErrorStatus, evidence, "");
  return finding(step, property_id, evidence, "");
}

}  // namespace mcph::harness::scenario
