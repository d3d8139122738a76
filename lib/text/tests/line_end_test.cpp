#include "mcph/text/line_end.h"

#include <gtest/gtest.h>

namespace mcph::text {
namespace {

TEST(WithoutLineEnd, DropsTrailingNewlinesAndSpacesAlone) {
  EXPECT_EQ(without_line_end("s.token\n"), "s.token");
  EXPECT_EQ(without_line_end("s.token \r\n\n"), "s.token");
  EXPECT_EQ(without_line_end("  s.to ken"), "  s.to ken");  // leading and inner bytes kept
  EXPECT_EQ(without_line_end("s.token\t"), "s.token\t");     // a tab may be part of a secret
  EXPECT_EQ(without_line_end("\n \r"), "");
}

}  // namespace
}  // namespace mcph::text
