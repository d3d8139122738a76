#pragma once
// The two-sided Mann-Whitney U test, as scipy.stats.mannwhitneyu computes it (method "auto",
// the test Google Benchmark's compare.py runs over the repetitions of two results): the exact
// distribution of U when one sample has at most 8 values and there are no ties, otherwise the
// normal approximation with the tie correction and a continuity correction of 1/2.
#include <vector>

namespace mcph::bench {

struct UTest {
  double u = 0;        // U of the first sample
  double p_value = 1;  // two-sided
  bool exact = false;  // from the exact distribution (else the normal approximation)
};

// Throws std::invalid_argument when a sample is empty.
UTest mann_whitney_u(const std::vector<double>& x, const std::vector<double>& y);

}  // namespace mcph::bench
