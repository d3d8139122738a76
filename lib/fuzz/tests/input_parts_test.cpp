#include "mcph/fuzz/input_parts.h"

#include <gtest/gtest.h>

namespace mcph::fuzz {
namespace {

TEST(SplitParts, SplitsAtEachSeparatorUpToTheLimit) {
  const auto parts = split_parts("a|b|c|d", "|", 3);
  ASSERT_EQ(parts.size(), 3u);
  EXPECT_EQ(parts[0], "a");
  EXPECT_EQ(parts[1], "b");
  EXPECT_EQ(parts[2], "c|d");  // the last part keeps the rest
}

TEST(SplitParts, InputWithoutSeparatorIsOnePart) {
  const auto parts = split_parts(std::string_view("x\0y", 3), "|", 4);
  ASSERT_EQ(parts.size(), 1u);
  EXPECT_EQ(parts[0].size(), 3u);
  EXPECT_EQ(part_or_empty(parts, 1), "");
}

TEST(SplitParts, EmptyPartsAreKept) {
  const auto parts = split_parts("||", "|", 5);
  ASSERT_EQ(parts.size(), 3u);
  EXPECT_EQ(parts[0], "");
  EXPECT_EQ(parts[2], "");
}

}  // namespace
}  // namespace mcph::fuzz
