#include "mcph/reports/html.h"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <map>
#include <ostream>
#include <stdexcept>

#include "file_href.h"
#include "html_parts.h"
#include "html_template.h"
#include "output_file.h"
#include "text.h"

namespace mcph::reports {

namespace detail {

std::string fixed(double value, int decimals) {
  if (!std::isfinite(value)) value = 0;
  char buffer[64];
  const auto result = std::to_chars(buffer, buffer + sizeof buffer, value, std::chars_format::fixed, decimals);
  return result.ec == std::errc{} ? std::string(buffer, result.ptr) : "0";
}

std::string step_time(double ms) {
  if (!std::isfinite(ms) || ms < 0) ms = 0;
  if (ms > 0 && ms < 10) return fixed(ms, 1) + " ms";
  return human_duration(ms / 1000);
}

std::string scenario_anchor(std::size_t suite, std::size_t scenario) {
  return "sc-" + std::to_string(suite + 1) + "-" + std::to_string(scenario + 1);
}

}  // namespace detail

namespace {

using detail::markup_attribute;
using detail::markup_text;
using detail::scenario_anchor;
using Status = ScenarioResult::Status;

bool is_problem(Status status) { return status == Status::failed || status == Status::error; }

std::string plural(int count, std::string_view one, std::string_view many) {
  return std::to_string(count) + " " + std::string(count == 1 ? one : many);
}

// The status as a small label; an error of a check that could not decide says "inconclusive".
std::string pill(const ScenarioResult& scenario) {
  const std::string name = status_text(scenario);
  return "<span class=\"pill pill-" + name + "\">" + name + "</span>";
}

// What went wrong, in one line (the status beside it says "inconclusive" already).
std::string one_line_problem(const ScenarioResult& scenario) {
  if (is_inconclusive(scenario)) {
    std::string_view rest = std::string_view(scenario.message).substr(kInconclusivePrefix.size());
    while (rest.starts_with(' ')) rest.remove_prefix(1);
    return std::string(rest);
  }
  if (!scenario.failures.empty()) {
    const Failure& first = scenario.failures.front();
    std::string line = first.expectation.empty() ? first.actual
                                                 : "expected " + first.expectation + "; got " + first.actual;
    if (!scenario.message.empty()) line = scenario.message + ": " + line;
    return line;
  }
  return scenario.message;
}

std::string meta(const RunReport& report) {
  std::string html = "<dl class=\"meta\">";
  const auto item = [&](std::string_view label, const std::string& value_html) {
    html += "<div><dt>" + std::string(label) + "</dt><dd>" + value_html + "</dd></div>";
  };
  if (!report.started_at.empty()) {
    item("Started", "<time datetime=\"" + markup_attribute(report.started_at) + "\">" +
                        markup_text(readable_time(report.started_at)) + "</time>");
  }
  item("Duration", human_duration(report.seconds));
  if (!report.stack_mode.empty()) item("Stack mode", markup_text(report.stack_mode));
  if (!report.stack_idp.empty()) item("Identity provider", markup_text(report.stack_idp));
  if (!report.stack_file.empty()) item("Stack file", "<code>" + markup_text(report.stack_file) + "</code>");
  if (!report.seed.empty()) {
    item("Seed", "<code>" + markup_text(report.seed) + "</code>" + (report.shuffled ? " (scenarios shuffled)" : ""));
  }
  return html + "</dl>";
}

std::string summary(const RunReport& report) {
  const Counts counts = report.counts();
  std::string html = "<section class=\"summary\" aria-label=\"Summary\">";
  const auto stat = [&](std::string_view kind, int value, std::string_view label) {
    html += "<div class=\"stat stat-" + std::string(kind) + (value == 0 ? " is-zero" : "") +
            "\"><span class=\"stat-value\">" + std::to_string(value) + "</span><span class=\"stat-label\">" +
            std::string(label) + "</span></div>";
  };
  stat("total", counts.tests, counts.tests == 1 ? "scenario" : "scenarios");
  stat("passed", counts.passed, "passed");
  stat("failed", counts.failures, "failed");
  stat("error", counts.errors, counts.errors == 1 ? "error" : "errors");
  stat("skipped", counts.skipped, "skipped");
  html += "</section>";
  if (counts.tests > 0) {
    const std::string label = std::to_string(counts.passed) + " passed, " + std::to_string(counts.failures) +
                              " failed, " + std::to_string(counts.errors) + " errors, " +
                              std::to_string(counts.skipped) + " skipped";
    html += "<div class=\"bar\" role=\"img\" aria-label=\"" + label + "\">";
    const auto segment = [&](std::string_view kind, int value) {
      if (value == 0) return;
      html += "<span class=\"bar-" + std::string(kind) + "\" style=\"width: " +
              detail::fixed(100.0 * value / counts.tests, 3) + "%\"></span>";
    };
    segment("passed", counts.passed);
    segment("failed", counts.failures);
    segment("error", counts.errors);
    segment("skipped", counts.skipped);
    html += "</div>";
  }
  return html;
}

std::string attention(const RunReport& report) {
  std::string items;
  for (std::size_t s = 0; s < report.suites.size(); ++s) {
    const SuiteResult& suite = report.suites[s];
    for (std::size_t c = 0; c < suite.scenarios.size(); ++c) {
      const ScenarioResult& scenario = suite.scenarios[c];
      if (!is_problem(scenario.status)) continue;
      items += "<li>" + pill(scenario) + "<div class=\"attention-text\"><a href=\"#" +
               scenario_anchor(s, c) + "\">" + markup_text(scenario.name) + "</a>";
      const std::string& where = suite.name.empty() ? suite.file : suite.name;
      if (!where.empty()) items += " <span class=\"attention-where\">" + markup_text(where) + "</span>";
      const std::string problem = one_line_problem(scenario);
      if (!problem.empty()) items += "<p class=\"attention-problem\">" + markup_text(problem) + "</p>";
      items += "</div></li>";
    }
  }
  if (items.empty()) return "";
  return "<section class=\"attention\"><h2>Needs attention</h2><ul>" + items + "</ul></section>";
}

std::string failures_table(const ScenarioResult& scenario) {
  if (scenario.failures.empty()) return "";
  std::string html =
      "<table class=\"failures\"><thead><tr><th class=\"col-step\">Step</th><th>Expected</th>"
      "<th>Actual</th></tr></thead><tbody>";
  for (const Failure& failure : scenario.failures) {
    // data-label names the column where a narrow screen stacks the cells.
    html += "<tr><td class=\"col-step\" data-label=\"Step\">" + markup_text(failure.step) +
            "</td><td data-label=\"Expected\"><pre class=\"expected\">" + markup_text(failure.expectation) +
            "</pre></td><td data-label=\"Actual\"><pre class=\"actual\">" + markup_text(failure.actual) +
            "</pre></td></tr>";
  }
  return html + "</tbody></table>";
}

// The first character of a user name, for the little badge beside it.
std::string initial(const std::string& user) {
  const std::string clean = detail::clean(user);
  if (clean.empty()) return "?";
  const auto first = static_cast<unsigned char>(clean[0]);
  std::size_t length = first < 0x80 ? 1 : first >= 0xF0 ? 4 : first >= 0xE0 ? 3 : 2;
  std::string letter = clean.substr(0, std::min(length, clean.size()));
  if (length == 1 && first >= 'a' && first <= 'z') letter[0] = static_cast<char>(first - 'a' + 'A');
  return detail::escape(letter, false);
}

std::string flows(const ScenarioResult& scenario) {
  if (scenario.flows.empty()) return "";
  std::string html = "<h3>Authentication flow</h3><div class=\"flows\">";
  for (const UserFlow& flow : scenario.flows) {
    html += "<section class=\"flow\"><h4><span class=\"avatar\" aria-hidden=\"true\">" + initial(flow.user) +
            "</span>" + markup_text(flow.user) + "</h4>";
    if (flow.steps.empty()) {
      html += "<p class=\"flow-empty\">No stages recorded.</p>";
    } else {
      html += "<ol class=\"stages\">";
      for (const FlowStep& step : flow.steps) {
        html += "<li><span class=\"stage\">" + markup_text(step.stage) + "</span><span class=\"detail\">" +
                markup_text(step.detail) + "</span></li>";
      }
      html += "</ol>";
    }
    html += "</section>";
  }
  return html + "</div>";
}

std::string trace_link(const ScenarioResult& scenario, const std::filesystem::path& page_dir) {
  if (scenario.trace_file.empty()) return "";
  const std::string href = detail::file_href(scenario.trace_file, page_dir);
  return "<p class=\"trace\">Trace <a class=\"trace-link\" href=\"" + markup_attribute(href) + "\"><code>" +
         markup_text(scenario.trace_file) + "</code></a> <span class=\"trace-hint\">run it again with <code>mcp-harness "
         "replay " + markup_text(scenario.trace_file) + "</code></span></p>";
}

std::string scenario_html(const SuiteResult& suite, const ScenarioResult& scenario, const std::string& anchor,
                          const std::filesystem::path& page_dir) {
  const std::string status = to_string(scenario.status);
  std::string head = pill(scenario) + "<span class=\"scenario-name\">" + markup_text(scenario.name) + "</span>";
  if (!scenario.family.empty() && scenario.family != suite.family) {
    head += "<span class=\"family\">" + markup_text(scenario.family) + "</span>";
  }
  head += "<span class=\"scenario-time\">" + human_duration(scenario.seconds) + "</span>";

  std::string body;
  if (!scenario.description.empty()) body += "<p class=\"description\">" + markup_text(scenario.description) + "</p>";
  if (!scenario.message.empty()) {
    body += "<p class=\"message message-" + (is_inconclusive(scenario) ? std::string("inconclusive") : status) + "\">" +
            markup_text(scenario.message) + "</p>";
  }
  body += detail::scenario_findings(scenario);
  // The steps show every check, failed ones included; a result without steps has only its failures.
  body += scenario.steps.empty() ? failures_table(scenario) : detail::steps_html(scenario, anchor);
  body += flows(scenario);
  body += trace_link(scenario, page_dir);

  const std::string classes = "scenario status-" + status + (is_problem(scenario.status) ? "" : " is-ok") +
                              (is_inconclusive(scenario) ? " is-inconclusive" : "");
  if (body.empty()) {
    return "<div class=\"" + classes + "\" id=\"" + anchor + "\"><div class=\"scenario-head\">" + head +
           "</div></div>";
  }
  return "<details class=\"" + classes + "\" id=\"" + anchor + "\"" + (is_problem(scenario.status) ? " open=\"open\"" : "") +
         "><summary class=\"scenario-head\">" + head + "</summary><div class=\"scenario-body\">" + body +
         "</div></details>";
}

std::string suite_html(const SuiteResult& suite, std::size_t index, const std::filesystem::path& page_dir) {
  const Counts counts = suite.counts();
  const bool problems = counts.failures + counts.errors > 0;
  std::string html = "<section class=\"suite" + std::string(problems ? " has-problems" : "") + "\" id=\"suite-" +
                     std::to_string(index + 1) + "\"><header class=\"suite-head\"><div class=\"suite-title\">";
  if (!suite.family.empty()) html += "<span class=\"family\">" + markup_text(suite.family) + "</span>";
  html += "<h2>" + markup_text(suite.name.empty() ? suite.file : suite.name) + "</h2>";
  if (!suite.file.empty()) html += "<code class=\"suite-file\">" + markup_text(suite.file) + "</code>";
  html += "</div><div class=\"suite-counts\">";
  const auto count = [&](std::string_view kind, int value, std::string_view label) {
    if (value > 0) {
      html += "<span class=\"count count-" + std::string(kind) + "\">" + std::to_string(value) + " " +
              std::string(label) + "</span>";
    }
  };
  count("passed", counts.passed, "passed");
  count("failed", counts.failures, "failed");
  count("error", counts.errors, counts.errors == 1 ? "error" : "errors");
  count("skipped", counts.skipped, "skipped");
  html += "<span class=\"suite-time\">" + human_duration(suite.seconds()) + "</span></div></header>";

  if (suite.scenarios.empty()) return html + "<p class=\"empty\">This file has no scenarios.</p></section>";
  // Failed and broken scenarios first; the others keep the file's order.
  std::vector<std::size_t> order(suite.scenarios.size());
  for (std::size_t i = 0; i < order.size(); ++i) order[i] = i;
  std::stable_partition(order.begin(), order.end(),
                        [&](std::size_t i) { return is_problem(suite.scenarios[i].status); });
  html += "<div class=\"scenarios\">";
  for (const std::size_t i : order) {
    html += scenario_html(suite, suite.scenarios[i], scenario_anchor(index, i), page_dir);
  }
  return html + "</div></section>";
}

std::string suites(const RunReport& report, const std::filesystem::path& page_dir) {
  if (report.suites.empty()) return "<p class=\"empty\">No scenarios were run.</p>";
  std::string html;
  for (std::size_t i = 0; i < report.suites.size(); ++i) html += suite_html(report.suites[i], i, page_dir);
  return html;
}

// What "Show only failures and errors" shows on a run without any: a sentence, not a blank page.
// Hidden until the filter is on (the template's style sheet).
std::string only_problems_empty(const RunReport& report) {
  const Counts counts = report.counts();
  if (counts.tests == 0 || counts.failures + counts.errors > 0) return "";
  std::string text = "No failures or errors in this run: " + plural(counts.passed, "scenario", "scenarios") + " passed";
  if (counts.skipped > 0) text += ", " + std::to_string(counts.skipped) + " skipped";
  return "<p class=\"only-problems-empty\" role=\"status\">" + text + ".</p>";
}

std::string verdict(const RunReport& report) {
  const Counts counts = report.counts();
  if (counts.tests == 0) return "No scenarios were run";
  const int problems = counts.failures + counts.errors;
  if (problems == 0) {
    std::string text = counts.passed == counts.tests ? "All " + plural(counts.tests, "scenario", "scenarios") + " passed"
                                                     : plural(counts.passed, "scenario", "scenarios") + " passed";
    if (counts.skipped > 0) text += ", " + std::to_string(counts.skipped) + " skipped";
    return text;
  }
  return std::to_string(problems) + " of " + plural(counts.tests, "scenario", "scenarios") + " " +
         (counts.errors == 0 ? "failed" : counts.failures == 0 ? "broke" : "failed or broke");
}

// Fills {{name}} placeholders of the template. Values are inserted as they are (they are
// markup built above) and never scanned for placeholders themselves.
std::string fill(std::string_view page, const std::map<std::string, std::string, std::less<>>& values) {
  std::string out;
  out.reserve(page.size() * 2);
  std::size_t pos = 0;
  while (true) {
    const std::size_t open = page.find("{{", pos);
    if (open == std::string_view::npos) break;
    const std::size_t close = page.find("}}", open + 2);
    if (close == std::string_view::npos) break;
    const std::string_view name = page.substr(open + 2, close - open - 2);
    const auto value = values.find(name);
    if (value == values.end()) {
      throw std::logic_error("report template: unknown placeholder {{" + std::string(name) + "}}");
    }
    out.append(page.substr(pos, open - pos));
    out += value->second;
    pos = close + 2;
  }
  out.append(page.substr(pos));
  return out;
}

}  // namespace

std::string html_report(const RunReport& report, const std::filesystem::path& page_dir) {
  const Counts counts = report.counts();
  const std::string verdict_class =
      counts.tests == 0 ? "verdict-none" : report.ok() ? "verdict-passed" : "verdict-failed";
  return fill(detail::kReportTemplate, {
                                           {"title", markup_text(report.title)},
                                           {"verdict_class", verdict_class},
                                           {"verdict", verdict(report)},
                                           {"meta", meta(report)},
                                           {"summary", summary(report)},
                                           {"attention", attention(report)},
                                           {"findings", detail::findings_section(report)},
                                           {"only_problems_empty", only_problems_empty(report)},
                                           {"suites", suites(report, page_dir)},
                                       });
}

void write_html(const RunReport& report, std::ostream& out) { out << html_report(report); }

void write_html_file(const RunReport& report, const std::filesystem::path& path) {
  detail::write_file(path, html_report(report, path.parent_path().empty() ? "." : path.parent_path()));
}

}  // namespace mcph::reports
