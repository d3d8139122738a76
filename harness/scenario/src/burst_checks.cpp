// The expectations on a burst's statuses and decisions and a load's counts, judged against the
// rate limit the scenario file states, else the one the target's stack entry states: a 429 that
// never came is a finding only where the calls outpaced it.
#include <algorithm>

#include "expectation_checks.h"
#include "load_checks.h"
#include "mcph/reports/tally.h"
#include "mcph/text/join.h"

namespace mcph::harness::scenario {
namespace {

using Json = nlohmann::json;

constexpr int kTooManyRequests = 429;

bool rate_limited(const StepOutcome& outcome) {
  return std::find(outcome.burst.statuses.begin(), outcome.burst.statuses.end(), kTooManyRequests) != outcome.burst.statuses.end();
}

// Why the step's calls could not show a rate limit at work, or nullopt when they could: a burst
// that never put more calls in a span than the stated limit lets through gets no 429 from a
// server that has the limit either, so its lack of one is no finding — a slow
// machine, not the server.
std::optional<std::string> limit_untested(const StepOutcome& outcome, const CheckContext& context) {
  const bool file_states = context.rate_limit > 0 && context.rate_window.count() > 0;
  const int limit = file_states ? context.rate_limit : outcome.burst.stated_limit;
  const std::chrono::milliseconds window = file_states ? context.rate_window : outcome.burst.stated_window;
  if (limit <= 0 || window.count() <= 0) {
    return "neither the scenario file (needs: {rate_limit: {requests: N, window_ms: W}}) nor the target's stack entry "
           "(rate_limit) states a rate limit, so whether the step's calls reached one cannot be told";
  }
  if (outcome.burst.calls.empty()) return "no tool call was made: " + outcome.describe();
  return limit_not_reached(outcome.burst.calls, limit, window);
}

// No 429 came: failed when the calls reached the limit, inconclusive when they could not.
reports::Check judged_without_rejection(const StepOutcome& outcome, const CheckContext& context, std::string seen) {
  if (const auto why = limit_untested(outcome, context)) return inconclusive(seen + "; " + *why);
  return failed(std::move(seen));
}

// "250 calls: 200 × denied, 50 × no decision shown" — each decision in the order it first came;
// no decision shown: an answer that is neither the tool's result nor a refusal of the policy.
std::string decision_summary(const std::vector<std::string>& decisions) {
  std::vector<std::pair<std::string, int>> counts;
  for (const std::string& decision : decisions) {
    const std::string name = decision.empty() ? "no decision shown" : decision;
    const auto it = std::find_if(counts.begin(), counts.end(), [&](const auto& count) { return count.first == name; });
    if (it == counts.end()) counts.emplace_back(name, 1);
    else ++it->second;
  }
  return reports::tally_line(decisions.size(), counts);
}

}  // namespace

reports::Check check_some_decision(const Json& want, const StepOutcome& outcome, const CheckContext&) {
  const std::vector<std::string>& decisions = outcome.burst.decisions;
  if (decisions.empty()) {
    return inconclusive("no answer of the step was read as the policy's decision (a batch, or a request with a second "
                        "DPoP or Authorization header, is sent raw and read as it came)");
  }
  const bool found = std::find(decisions.begin(), decisions.end(), want.get<std::string>()) != decisions.end();
  return judged(found, decision_summary(decisions));
}

reports::Check check_some_http_status(const Json& want, const StepOutcome& outcome, const CheckContext& context) {
  const bool found = std::find(outcome.burst.statuses.begin(), outcome.burst.statuses.end(), want.get<int>()) != outcome.burst.statuses.end();
  std::string seen = reports::burst_summary(outcome.burst.statuses);
  if (found || want.get<int>() != kTooManyRequests) return judged(found, std::move(seen));
  return judged_without_rejection(outcome, context, std::move(seen));
}

reports::Check check_retry_after(const Json& want, const StepOutcome& outcome, const CheckContext& context) {
  const bool present = !outcome.burst.retry_after.empty() &&
                       std::all_of(outcome.burst.retry_after.begin(), outcome.burst.retry_after.end(), ::isdigit) &&
                       std::stol(outcome.burst.retry_after) >= 1;
  std::string seen = outcome.burst.retry_after.empty() ? "no rejected call carried Retry-After" : "Retry-After: " + outcome.burst.retry_after;
  // Wanted on a 429 that never came: as some_http_status judges its absence.
  if (want.get<bool>() && !present && !rate_limited(outcome)) return judged_without_rejection(outcome, context, std::move(seen));
  return judged(present == want.get<bool>(), std::move(seen));
}

reports::Check check_no_http_status(const Json& want, const StepOutcome& outcome, const CheckContext&) {
  const bool found = std::find(outcome.burst.statuses.begin(), outcome.burst.statuses.end(), want.get<int>()) != outcome.burst.statuses.end();
  return judged(!found, reports::burst_summary(outcome.burst.statuses));
}

// A load step's count (load_outcome.h) equals the one wanted; the count, and when it does not,
// examples.
reports::Check check_load_count(const Json& want, const StepOutcome& outcome, long LoadOutcome::*count,
                                const char* what) {
  if (!outcome.load) return failed("this step made no load");
  const long actual = (*outcome.load).*count;
  std::string text = std::to_string(actual) + " " + what + " (of " + std::to_string(outcome.load->calls) + " calls)";
  if (actual == want.get<long>()) return held(text);
  for (std::size_t i = 0; i < outcome.load->problems.size() && i < 5; ++i) text += "; " + outcome.load->problems[i];
  return failed(text);
}

// No more violations than allowed is a pass only where the probe tested the limit: a server
// whose probe never made a refusal due was not shown to limit anything.
reports::Check check_rate_limit_violations(const Json& want, const StepOutcome& outcome) {
  reports::Check check = check_load_count(want, outcome, &LoadOutcome::rate_limit_violations, "rate-limit violations");
  if (check.verdict != reports::Check::Verdict::held || outcome.load->limits_untested.empty()) return check;
  return inconclusive(check.actual + ", but the limit was never tested for " +
                      text::join(outcome.load->limits_untested, ", ") +
                      ": the probe never offered more than the limit allows");
}

// A burst's or a load's accepted calls. A worker of a sharded load made its slice's share of the
// step's calls (load_step.cpp), so it is held to that share of the count; the merge, to the whole.
reports::Check check_accepted_calls_at_least(const Json& want, const StepOutcome& outcome, const CheckContext&) {
  long wanted = want.get<long>();
  std::string text = std::to_string(outcome.burst.accepted) + " of ";
  if (!outcome.load) return judged(outcome.burst.accepted >= wanted, text + std::to_string(outcome.burst.statuses.size()) + " calls succeeded");
  const LoadOutcome& load = *outcome.load;
  text += std::to_string(load.calls) + " calls succeeded";
  if (load.slices > 1) {
    const long whole = wanted;
    wanted = slice_share(whole, load.slice, load.slices);
    text += " (" + shard_name(load.slice, load.slices) + ": its share of " + std::to_string(whole) + " is " +
            std::to_string(wanted) + ")";
  }
  return judged(outcome.burst.accepted >= wanted, text);
}

}  // namespace mcph::harness::scenario
