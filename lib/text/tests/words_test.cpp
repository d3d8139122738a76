#include "mcph/text/words.h"

#include <gtest/gtest.h>

namespace mcph::text {
namespace {

TEST(Words, SplitsOnAnyWhiteSpaceAndDropsEmptyOnes) {
  EXPECT_EQ(words("  read\twrite \n delete "), (std::vector<std::string>{"read", "write", "delete"}));
  EXPECT_TRUE(words(" \t\n").empty());
}

}  // namespace
}  // namespace mcph::text
