// Known values: scipy.stats.mannwhitneyu's documented example (Conover's males and females:
// U = 17, exact p = 0.1111…), exact tails counted by hand, and the normal approximation (with
// and without ties) computed independently from its formula.
#include "mcph/bench/mann_whitney.h"

#include <gtest/gtest.h>

#include <stdexcept>

namespace mcph::bench {
namespace {

TEST(MannWhitney, ScipysDocumentedExampleIsExact) {
  const UTest test = mann_whitney_u({19, 22, 16, 29, 24}, {20, 11, 17, 12});
  EXPECT_DOUBLE_EQ(test.u, 17);
  EXPECT_TRUE(test.exact);
  // P(U >= 17) = P(U <= 3) = (1 + 1 + 2 + 3) / C(9,4) = 7/126, two-sided 14/126.
  EXPECT_NEAR(test.p_value, 14.0 / 126.0, 1e-12);
}

TEST(MannWhitney, ExactTailsOfSeparatedSamples) {
  // Every x below every y: only one arrangement of C(m+n, m) is that extreme, on each side.
  EXPECT_NEAR(mann_whitney_u({1, 2, 3}, {4, 5, 6}).p_value, 2.0 / 20.0, 1e-12);
  EXPECT_NEAR(mann_whitney_u({1, 2, 3, 4, 5, 6, 7, 8}, {9, 10, 11, 12, 13, 14, 15, 16}).p_value, 2.0 / 12870.0, 1e-15);
  EXPECT_DOUBLE_EQ(mann_whitney_u({4, 5, 6}, {1, 2, 3}).u, 9);
  // One small sample is enough for the exact distribution: 2 × 1/C(22, 2).
  const UTest lopsided = mann_whitney_u({1, 2}, {3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20, 21, 22});
  EXPECT_TRUE(lopsided.exact);
  EXPECT_NEAR(lopsided.p_value, 2.0 / 231.0, 1e-14);
}

TEST(MannWhitney, IdenticalDistributionsAreNotSignificant) {
  const UTest test = mann_whitney_u({1, 3, 5, 7}, {2, 4, 6, 8});
  EXPECT_GT(test.p_value, 0.5);
  EXPECT_LE(test.p_value, 1.0);
}

TEST(MannWhitney, NineRepetitionsEachUseTheNormalApproximation) {
  // compare.py's recommended 9 repetitions: both samples over 8, so scipy's "auto" is
  // asymptotic. U = 81, mu = 40.5, sigma = sqrt(81 × 19 / 12): p = 0.00041229480206169.
  const UTest test = mann_whitney_u({1, 2, 3, 4, 5, 6, 7, 8, 9}, {10, 11, 12, 13, 14, 15, 16, 17, 18});
  EXPECT_FALSE(test.exact);
  EXPECT_NEAR(test.p_value, 0.0004122948020616911, 1e-15);
}

TEST(MannWhitney, TiesUseTheCorrectedNormalApproximation) {
  // Average ranks for ties, sigma corrected by sum(t^3 - t): U1 = 19, p = 0.020220537628014554.
  const UTest test = mann_whitney_u({1, 2, 2, 3, 4, 5, 5, 5, 6, 7}, {3, 4, 5, 6, 6, 7, 8, 8, 9, 10});
  EXPECT_DOUBLE_EQ(test.u, 19);
  EXPECT_FALSE(test.exact);
  EXPECT_NEAR(test.p_value, 0.020220537628014554, 1e-13);
  // Small samples with a tie are not exact either (scipy prefers the approximation then).
  EXPECT_FALSE(mann_whitney_u({1, 2, 2}, {2, 5, 6}).exact);
}

TEST(MannWhitney, AllValuesEqualIsPOfOne) {
  EXPECT_DOUBLE_EQ(mann_whitney_u({5, 5, 5}, {5, 5, 5}).p_value, 1.0);
}

TEST(MannWhitney, EmptySamplesAreRefused) {
  EXPECT_THROW(mann_whitney_u({}, {1}), std::invalid_argument);
}

}  // namespace
}  // namespace mcph::bench
