// Each step of a scenario as a person reads it: what it did, how long it took, and every
// expectation it checked with its verdict and what was seen (passing steps too).
#include <algorithm>

#include "html_parts.h"
#include "text.h"

namespace mcph::reports::detail {
namespace {

using Verdict = Check::Verdict;

const char* mark_of(Verdict verdict) {
  switch (verdict) {
    case Verdict::held: return "\u2713";    // ✓
    case Verdict::failed: return "\u2717";  // ✗
    case Verdict::inconclusive: return "?";
    case Verdict::bounded: return "\u2264";  // ≤
  }
  return "?";
}

std::string check_html(const Check& check) {
  const std::string verdict = to_string(check.verdict);
  std::string html = "<li class=\"check check-" + verdict + "\"><span class=\"check-mark\" aria-hidden=\"true\">" +
                     mark_of(check.verdict) + "</span><span class=\"check-text\"><span class=\"check-line\">" +
                     "<span class=\"check-verdict\">" + verdict + "</span><code class=\"expectation\">" +
                     markup_text(check.expectation) + "</code>";
  if (!check.where.empty()) html += "<span class=\"where\">" + markup_text(check.where) + "</span>";
  html += "</span>";
  if (!check.actual.empty()) {
    const char* lead = check.verdict == Verdict::failed         ? "got "
                       : check.verdict == Verdict::inconclusive ? "cannot tell: "
                       : check.verdict == Verdict::bounded      ? "within its bound: "
                                                                : "";
    html += "<span class=\"seen\">" + std::string(lead) + markup_text(check.actual) + "</span>";
  }
  return html + "</span></li>";
}

// The class of an HTTP status in a burst: 2xx, 429 (the rate limit), 4xx, 5xx, or none.
std::string status_class(int status) {
  if (status == 429) return "status-429";
  if (status >= 200 && status < 300) return "status-2xx";
  if (status >= 400 && status < 500) return "status-4xx";
  if (status >= 500) return "status-5xx";
  return "status-none";
}

std::string status_text(int status) { return status == 0 ? "no answer" : std::to_string(status); }

// "1 s" for a delay in seconds; an HTTP date as it is.
std::string retry_after_text(const std::string& value) {
  const bool seconds = !value.empty() && std::all_of(value.begin(), value.end(), [](char c) { return c >= '0' && c <= '9'; });
  return seconds ? value + " s" : value;
}

// A burst's calls as one bar of runs of equal statuses (calls 1–20: 200, 21–40: 429), then the
// count of each status and the first rejection's Retry-After.
std::string burst_html(const StepRecord& step) {
  if (step.statuses.empty()) return "";
  struct Run {
    int status;
    std::size_t first, count;
  };
  std::vector<Run> runs;
  for (std::size_t i = 0; i < step.statuses.size(); ++i) {
    if (runs.empty() || runs.back().status != step.statuses[i]) runs.push_back({step.statuses[i], i, 0});
    ++runs.back().count;
  }
  std::string html = "<div class=\"burst\"><div class=\"burst-bar\" role=\"img\" aria-label=\"" +
                     escape(burst_summary(step.statuses), true) + "\">";
  for (const Run& run : runs) {
    const std::string calls = run.count == 1 ? "call " + std::to_string(run.first + 1)
                                             : "calls " + std::to_string(run.first + 1) + "\u2013" +
                                                   std::to_string(run.first + run.count);
    html += "<span class=\"burst-run " + status_class(run.status) + "\" style=\"flex-grow: " + std::to_string(run.count) +
            "\" title=\"" + calls + ": " + status_text(run.status) + "\"></span>";
  }
  html += "</div><p class=\"burst-summary\"><span class=\"burst-calls\">" + std::to_string(step.statuses.size()) +
          " calls</span>";
  for (const StatusCount& item : status_counts(step.statuses)) {
    html += "<span class=\"status-count " + status_class(item.status) + "\">" + std::to_string(item.count) + " \u00d7 " +
            status_text(item.status) + "</span>";
  }
  if (!step.retry_after.empty()) {
    html += "<span class=\"retry-after\">Retry-After: " + markup_text(retry_after_text(step.retry_after)) + "</span>";
  }
  return html + "</p></div>";
}

// A row per level (and, when the step measured each server, per server, then all of them
// together in a row of class load-all).
std::string load_table(const StepRecord& step) {
  if (step.load.empty()) return "";
  const bool per_server =
      std::any_of(step.load.begin(), step.load.end(), [](const LoadLevel& level) { return !level.server.empty(); });
  std::string html = std::string("<table class=\"load-table\"><thead><tr><th>Concurrency</th>") +
                     (per_server ? "<th>Server</th>" : "") +
                     "<th>Calls</th><th>Failed</th><th>Calls/s</th><th>p50</th><th>p90</th><th>p99</th><th>max</th></tr>"
                     "</thead><tbody>";
  for (const LoadLevel& level : step.load) {
    const bool all = level.server.empty();
    html += std::string(per_server && all ? "<tr class=\"load-all\">" : "<tr>") + "<td>" +
            std::to_string(level.concurrency) + "</td>";
    if (per_server) html += "<td>" + (all ? std::string("all servers") : markup_text(level.server)) + "</td>";
    html += "<td>" + std::to_string(level.calls) + "</td><td" + (level.failed > 0 ? " class=\"load-failed\"" : "") +
            ">" + std::to_string(level.failed) + "</td><td>" + fixed(level.calls_per_second, 0) + "</td><td>" +
            step_time(level.p50_ms) + "</td><td>" + step_time(level.p90_ms) + "</td><td>" + step_time(level.p99_ms) +
            "</td><td>" + step_time(level.max_ms) + "</td></tr>";
  }
  return html + "</tbody></table>";
}

std::string step_html(const StepRecord& step, const std::string& id) {
  const std::string outcome = step_outcome(step);
  std::string html = "<li class=\"step step-" + outcome + "\" id=\"" + id + "\"><div class=\"step-head\">" +
                     "<span class=\"step-title\">" + markup_text(step.title) + "</span><span class=\"step-meta\">";
  if (!step.server.empty()) html += "<span class=\"step-server\">" + markup_text(step.server) + "</span>";
  // Neutral: whether a status is good is for the step's checks to say (a 401 may be the point).
  if (step.http_status != 0) html += "<span class=\"step-http\">HTTP " + std::to_string(step.http_status) + "</span>";
  html += "<span class=\"step-time\">" + step_time(step.ms) + "</span></span></div>";
  if (!step.error.empty()) {
    html += "<p class=\"step-error\">Could not be carried out: " + markup_text(step.error) + "</p>";
  }
  html += burst_html(step);
  if (!step.load.empty()) html += load_chart(step) + load_table(step);
  if (!step.checks.empty()) {
    html += "<ul class=\"checks\">";
    for (const Check& check : step.checks) html += check_html(check);
    html += "</ul>";
  } else if (step.error.empty()) {
    html += "<p class=\"no-checks\">No expectations to check.</p>";
  }
  return html + "</li>";
}

}  // namespace

std::string step_outcome(const StepRecord& step) {
  if (!step.error.empty()) return "error";
  const auto any = [&](Verdict verdict) {
    return std::any_of(step.checks.begin(), step.checks.end(), [&](const Check& check) { return check.verdict == verdict; });
  };
  if (any(Verdict::failed)) return "failed";
  if (any(Verdict::inconclusive)) return "inconclusive";
  if (any(Verdict::bounded)) return "bounded";
  return step.checks.empty() ? "none" : "held";
}

std::string steps_html(const ScenarioResult& scenario, const std::string& anchor) {
  if (scenario.steps.empty()) return "";
  std::size_t checks = 0;
  for (const StepRecord& step : scenario.steps) checks += step.checks.size();
  std::string html = "<h3>Steps <span class=\"h3-note\">" + std::to_string(scenario.steps.size()) +
                     (scenario.steps.size() == 1 ? " step, " : " steps, ") + std::to_string(checks) +
                     (checks == 1 ? " check" : " checks") + "</span></h3>" + latency_chart(scenario) +
                     "<ol class=\"steps\">";
  for (std::size_t i = 0; i < scenario.steps.size(); ++i) {
    html += step_html(scenario.steps[i], anchor + "-s" + std::to_string(i + 1));
  }
  return html + "</ol>";
}

}  // namespace mcph::reports::detail
