// The report's charts as inline SVG: drawn here, coloured by the page's style sheet (so the dark
// theme applies), readable without script, and nothing fetched from anywhere.
#include <vector>
#include <iterator>
#include <algorithm>
#include <cmath>

#include "html_parts.h"
#include "text.h"

namespace mcph::reports::detail {
namespace {

// The chart's own coordinate system; the page scales it down on narrow screens, never up.
constexpr double kWidth = 640;

// The smallest 1, 2 or 5 × 10^k at or above `value`: an axis end a person reads at a glance.
double nice_ceiling(double value) {
  if (!(value > 0) || !std::isfinite(value)) return 1;
  const double magnitude = std::pow(10.0, std::floor(std::log10(value)));
  for (const double step : {1.0, 2.0, 5.0, 10.0}) {
    if (value <= step * magnitude * (1 + 1e-9)) return step * magnitude;
  }
  return 10 * magnitude;
}

std::string num(double value) { return fixed(value, 1); }

std::string svg_open(double height, const std::string& css_class, const std::string& label) {
  return "<svg class=\"chart " + css_class + "\" xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 " + num(kWidth) + " " +
         num(height) + "\" width=\"" + num(kWidth) + "\" height=\"" + num(height) + "\" role=\"img\" aria-label=\"" +
         escape(label, true) + "\">";
}

std::string text(double x, double y, const std::string& anchor, const std::string& css_class, const std::string& content) {
  return "<text x=\"" + num(x) + "\" y=\"" + num(y) + "\" text-anchor=\"" + anchor + "\" class=\"" + css_class + "\">" +
         content + "</text>";
}

// An axis for values up to `highest`: ticks a round step apart (1, 2 or 5 × 10^k), 2 to 5 of
// them, and the end of the axis on the last.
struct Axis {
  double tick = 1;
  int ticks = 1;
  double end() const { return tick * ticks; }
};

Axis axis_for(double highest) {
  Axis axis;
  axis.tick = nice_ceiling(highest / 4);
  axis.ticks = std::max(1, static_cast<int>(std::ceil(highest / axis.tick - 1e-9)));
  return axis;
}

// Vertical grid lines at each tick of `axis`, labelled below.
std::string time_axis(double left, double width, double top, double bottom, const Axis& axis) {
  std::string svg;
  for (int tick = 0; tick <= axis.ticks; ++tick) {
    const double x = left + width * tick / axis.ticks;
    svg += "<line class=\"grid\" x1=\"" + num(x) + "\" x2=\"" + num(x) + "\" y1=\"" + num(top) + "\" y2=\"" +
           num(bottom) + "\"/>";
    svg += text(x, bottom + 14, tick == 0 ? "start" : tick == axis.ticks ? "end" : "middle", "tick",
                tick == 0 ? "0" : step_time(axis.tick * tick));
  }
  return svg;
}

}  // namespace

std::string latency_chart(const ScenarioResult& scenario) {
  if (scenario.steps.empty()) return "";
  constexpr double left = 40, right_room = 84, top = 6, row = 22, bar = 14;
  const double plot = kWidth - left - right_room;
  double slowest = 0, total = 0;
  for (const StepRecord& step : scenario.steps) {
    slowest = std::max(slowest, step.ms);
    total += std::max(step.ms, 0.0);
  }
  const Axis axis = axis_for(slowest);
  const double axis_end = axis.end();
  const double bottom = top + row * static_cast<double>(scenario.steps.size());
  const double height = bottom + 22;

  std::string svg = "<figure class=\"latency\"><figcaption>Time per step <span class=\"h3-note\">" +
                    step_time(total) + " in all</span></figcaption>" +
                    svg_open(height, "latency-chart", "Time per step of " + clean(scenario.name));
  svg += time_axis(left, plot, top, bottom, axis);
  for (std::size_t i = 0; i < scenario.steps.size(); ++i) {
    const StepRecord& step = scenario.steps[i];
    const double y = top + row * static_cast<double>(i) + (row - bar) / 2;
    const double ms = std::isfinite(step.ms) && step.ms > 0 ? step.ms : 0;
    // Never thinner than a hairline: a 1 ms call beside a 2 s wait is still there.
    const double width = std::max(1.5, plot * ms / axis_end);
    svg += "<g class=\"step-mark mark-" + step_outcome(step) + "\"><title>" + markup_text(step.title) + ": " +
           step_time(ms) + "</title>";
    svg += text(left - 8, y + bar - 3, "end", "step-number", std::to_string(i + 1));
    svg += "<rect x=\"" + num(left) + "\" y=\"" + num(y) + "\" width=\"" + num(width) + "\" height=\"" + num(bar) +
           "\" rx=\"2\"/>";
    svg += text(left + width + 6, y + bar - 3, "start", "value", step_time(ms));
    svg += "</g>";
  }
  return svg + "</svg></figure>";
}

std::string load_chart(const StepRecord& step) {
  // One group of bars per level, for all servers together (a step may add a row per server).
  std::vector<LoadLevel> levels;
  std::copy_if(step.load.begin(), step.load.end(), std::back_inserter(levels),
               [](const LoadLevel& level) { return level.server.empty(); });
  if (levels.empty()) return "";
  constexpr double left = 64, right = 16, top = 28, bottom = 176, height = 214;
  const double plot = kWidth - left - right;
  double highest = 0;
  for (const LoadLevel& level : levels) highest = std::max({highest, level.p50_ms, level.p90_ms, level.p99_ms});
  const Axis axis = axis_for(highest);
  const double axis_end = axis.end();
  const auto y_of = [&](double ms) { return bottom - (bottom - top) * std::clamp(ms, 0.0, axis_end) / axis_end; };

  std::string svg = "<div class=\"chart-scroll\">" + svg_open(height, "load-chart", "Latency percentiles per concurrency level of " + clean(step.title));
  // Horizontal grid at each tick, labelled on the left.
  for (int tick = 0; tick <= axis.ticks; ++tick) {
    const double ms = axis.tick * tick;
    svg += "<line class=\"grid\" x1=\"" + num(left) + "\" x2=\"" + num(kWidth - right) + "\" y1=\"" + num(y_of(ms)) +
           "\" y2=\"" + num(y_of(ms)) + "\"/>";
    svg += text(left - 8, y_of(ms) + 4, "end", "tick", tick == 0 ? "0" : step_time(ms));
  }
  // The legend, top left.
  const char* names[] = {"p50", "p90", "p99"};
  for (int k = 0; k < 3; ++k) {
    const double x = left + 70.0 * k;
    svg += "<rect class=\"pct-" + std::string(names[k]) + "\" x=\"" + num(x) + "\" y=\"6\" width=\"10\" height=\"10\" rx=\"2\"/>";
    svg += text(x + 14, 15, "start", "tick", names[k]);
  }
  const double group = plot / static_cast<double>(levels.size());
  const double bar = std::min(22.0, group / 4);
  for (std::size_t i = 0; i < levels.size(); ++i) {
    const LoadLevel& level = levels[i];
    const double centre = left + group * (static_cast<double>(i) + 0.5);
    const double values[] = {level.p50_ms, level.p90_ms, level.p99_ms};
    svg += "<g class=\"load-mark\"><title>" + std::to_string(level.concurrency) + " in flight: p50 " +
           step_time(level.p50_ms) + ", p90 " + step_time(level.p90_ms) + ", p99 " + step_time(level.p99_ms) + ", max " +
           step_time(level.max_ms) + "</title>";
    for (int k = 0; k < 3; ++k) {
      const double x = centre + (k - 1.5) * bar;
      const double y = y_of(values[k]);
      svg += "<rect class=\"pct-" + std::string(names[k]) + "\" x=\"" + num(x) + "\" y=\"" + num(y) + "\" width=\"" +
             num(bar - 2) + "\" height=\"" + num(std::max(1.0, bottom - y)) + "\" rx=\"1.5\"/>";
    }
    svg += text(centre, bottom + 16, "middle", "tick", std::to_string(level.concurrency) + " in flight");
    svg += "</g>";
  }
  return svg + "</svg></div>";
}

}  // namespace mcph::reports::detail
