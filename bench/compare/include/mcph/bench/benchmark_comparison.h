#pragma once
// Two Google Benchmark JSON results compared benchmark by benchmark, as Google Benchmark's
// tools/compare.py does: benchmarks are matched by name; for each, real_time, cpu_time and every
// user counter both sides report (p50_us, p99_us, calls_per_s, …) are compared: the relative
// change of the median over the repetitions, and a two-sided Mann-Whitney U test over the
// repetitions' values, significant when p < alpha. Fewer than 2 repetitions on a side: no test;
// fewer than 9: the test is run but flagged as unreliable (compare.py's thresholds).
//
// Two stacks measured in one run (names ".../stack:A/...") or in two runs compare by naming
// their labels: the stack segment is then left out of the match.
#include <optional>
#include <string>
#include <vector>

namespace mcph::bench {

struct ComparisonOptions {
  double alpha = 0.05;
  std::string baseline_stack;   // empty: match names as they are
  std::string contender_stack;  // (both or neither)
};

struct MeasureComparison {
  std::string measure;          // "real_time", "cpu_time" or a counter's name
  double baseline = 0;          // median over the repetitions
  double contender = 0;
  double change = 0;            // (contender - baseline) / |baseline|, compare.py's rule
  std::optional<double> p_value;      // none with fewer than 2 repetitions on a side
  std::optional<bool> significant;    // p < alpha
};

struct BenchmarkComparison {
  std::string name;             // the matched name (the stack segment as "stack:A..B")
  std::string baseline_name, contender_name;
  std::string time_unit;
  int baseline_repetitions = 0, contender_repetitions = 0;
  bool enough_repetitions = false;  // at least 9 on each side
  std::vector<MeasureComparison> measures;
};

struct Comparison {
  ComparisonOptions options;
  std::string baseline_origin, contender_origin;  // the files
  std::vector<BenchmarkComparison> benchmarks;    // in the baseline's order
  std::vector<std::string> unmatched;             // benchmarks found on one side only
};

// Throws std::invalid_argument naming the origin and what is wrong with the JSON.
Comparison compare_results(const std::string& baseline_json, const std::string& baseline_origin,
                           const std::string& contender_json, const std::string& contender_origin,
                           const ComparisonOptions& options);

// The comparison as the small JSON the HTML report reads (shape in docs/benchmarks.md).
std::string to_json(const Comparison& comparison);
// The comparison as a table for a terminal.
std::string to_text(const Comparison& comparison);

}  // namespace mcph::bench
