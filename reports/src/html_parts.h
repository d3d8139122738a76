#pragma once
// The pieces of the HTML report, each in its own file: html.cpp (the page and the scenarios),
// html_steps.cpp (each step with its checks), html_charts.cpp (the inline SVG charts),
// html_findings.cpp (the findings tables). Internal to the HTML writer; class names are the
// ones reports/templates/report.html styles.
#include <cstddef>
#include <filesystem>
#include <string>

#include "mcph/reports/model.h"

namespace mcph::reports::detail {

// A number with a fixed number of decimals and a '.' whatever the locale.
std::string fixed(double value, int decimals);
// "0.4 ms", "12 ms", "1.20 s".
std::string step_time(double ms);
// "sc-2-3": the anchor of a scenario (1-based suite and scenario numbers).
std::string scenario_anchor(std::size_t suite, std::size_t scenario);

// How a step went, for its mark and colour: "error", "failed", "inconclusive", "held" or "none"
// (no checks).
std::string step_outcome(const StepRecord& step);

// The "Steps" part of a scenario: its latency chart, then every step with what it checked.
std::string steps_html(const ScenarioResult& scenario, const std::string& anchor);

// One horizontal bar per step, its time written beside it (inline SVG, no script).
std::string latency_chart(const ScenarioResult& scenario);
// A load step's latency percentiles per concurrency level (inline SVG).
std::string load_chart(const StepRecord& step);

// Every finding of the run, one table per server ("" when there is none).
std::string findings_section(const RunReport& report);
// The findings of one scenario, as a short list at the top of its body ("" when none).
std::string scenario_findings(const ScenarioResult& scenario);

}  // namespace mcph::reports::detail
