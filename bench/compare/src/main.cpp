// mcp-bench-compare: which differences between two Google Benchmark JSON results are
// significant (a Mann-Whitney U test over the repetitions, as Google Benchmark's compare.py).
//   mcp-bench-compare --baseline OLD.json --contender NEW.json
//   mcp-bench-compare --baseline RUN.json --baseline-stack before --contender-stack after
// Prints a table; --json FILE also writes the comparison for the HTML report.
#include <cstdio>
#include <fstream>
#include <sstream>
#include <string>

#include "mcph/bench/benchmark_comparison.h"
#include "mcph/cli/flags.h"

namespace {

std::string read_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw std::invalid_argument("cannot read " + path);
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

}  // namespace

int main(int argc, char** argv) {
  mcph::cli::Flags flags("mcp-bench-compare",
                         "Compares two Google Benchmark JSON results (--benchmark_out=FILE --benchmark_out_format=json)\n"
                         "and says which differences are significant: a two-sided Mann-Whitney U test over the\n"
                         "repetitions (run with --benchmark_repetitions=9 or more).");
  flags.required("baseline", "the baseline result (JSON)")
      .option("contender", "", "the contender result (default: the baseline file, to compare two stacks of one run)")
      .option("baseline-stack", "", "compare the benchmarks of this stack (names .../stack:LABEL) ...")
      .option("contender-stack", "", "... with those of this one")
      .option("alpha", "0.05", "significance level: a difference is significant when p < alpha")
      .option("json", "", "also write the comparison as JSON to this file");
  flags.parse(argc, argv);
  try {
    mcph::bench::ComparisonOptions options;
    options.baseline_stack = flags.get("baseline-stack");
    options.contender_stack = flags.get("contender-stack");
    try {
      options.alpha = std::stod(flags.get("alpha"));
    } catch (const std::exception&) {
      throw std::invalid_argument("--alpha must be a number, not '" + flags.get("alpha") + "'");
    }
    const std::string baseline = flags.get("baseline");
    const std::string contender = flags.get("contender").empty() ? baseline : flags.get("contender");
    if (contender == baseline && options.baseline_stack.empty()) {
      throw std::invalid_argument("one file compares two of its stacks: give --baseline-stack and --contender-stack");
    }
    const auto comparison =
        mcph::bench::compare_results(read_file(baseline), baseline, read_file(contender), contender, options);
    std::fputs(mcph::bench::to_text(comparison).c_str(), stdout);
    if (!flags.get("json").empty()) {
      std::ofstream out(flags.get("json"));
      out << mcph::bench::to_json(comparison);
      if (!out) throw std::invalid_argument("cannot write " + flags.get("json"));
    }
    return 0;
  } catch (const std::invalid_argument& e) {
    std::fprintf(stderr, "mcp-bench-compare: %s\n", e.what());
    return 2;
  }
}
