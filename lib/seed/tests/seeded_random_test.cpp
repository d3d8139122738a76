#include "mcph/seed/seeded_random.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <set>

namespace mcph::seed {
namespace {

// The draws are this project's own arithmetic, so a seed's numbers are fixed: pinned here, a
// change to the generator (which would make every printed seed replay differently) fails.
TEST(SeededRandom, ASeedsDrawsAreFixedWhateverTheStandardLibrary) {
  Draws draws(42);
  EXPECT_EQ(draws.next(), 13679457532755275413ULL);
  EXPECT_EQ(draws.next(), 2949826092126892291ULL);
  EXPECT_EQ(shuffled_order(6, 1), (std::vector<std::size_t>{0, 1, 3, 2, 4, 5}));
}

TEST(SeededRandom, TheSameSeedGivesTheSameOrderAndADifferentSeedAnother) {
  EXPECT_EQ(shuffled_order(8, 7), shuffled_order(8, 7));
  EXPECT_NE(shuffled_order(8, 7), shuffled_order(8, 8));
  std::vector<std::size_t> sorted = shuffled_order(8, 7);
  std::sort(sorted.begin(), sorted.end());
  EXPECT_EQ(sorted, (std::vector<std::size_t>{0, 1, 2, 3, 4, 5, 6, 7}));  // a permutation: nothing lost
}

TEST(SeededRandom, ShuffledOrdersReachEveryPermutation) {
  std::set<std::vector<std::size_t>> seen;
  for (std::uint64_t seed = 0; seed < 400; ++seed) seen.insert(shuffled_order(3, seed));
  EXPECT_EQ(seen.size(), 6u);
}

TEST(SeededRandom, DerivedSeedsDependOnTheLabelAndTheSeed) {
  EXPECT_EQ(derive(5, "jwt_attacks/alg none"), derive(5, "jwt_attacks/alg none"));
  EXPECT_NE(derive(5, "jwt_attacks/alg none"), derive(5, "jwt_attacks/alg None"));
  EXPECT_NE(derive(5, "jwt_attacks/alg none"), derive(6, "jwt_attacks/alg none"));
}

TEST(SeededRandom, DrawsStayInTheirRange) {
  Draws draws(3);
  for (int i = 0; i < 10000; ++i) {
    const std::int64_t x = draws.between(-50, 50);
    ASSERT_GE(x, -50);
    ASSERT_LT(x, 50);
    const double u = draws.unit();
    ASSERT_GE(u, 0.0);
    ASSERT_LT(u, 1.0);
  }
}

TEST(SeededRandom, ASeedIsReadAsDecimalDigitsBelowTwoToTheSixtyFour) {
  EXPECT_EQ(parse_seed("0"), 0u);
  EXPECT_EQ(parse_seed("18446744073709551615"), UINT64_MAX);
  EXPECT_EQ(parse_seed("18446744073709551616"), std::nullopt);
  EXPECT_EQ(parse_seed("-1"), std::nullopt);
  EXPECT_EQ(parse_seed("12a"), std::nullopt);
  EXPECT_EQ(parse_seed(""), std::nullopt);
}

}  // namespace
}  // namespace mcph::seed
