#include "mcph/text/replace.h"

#include <gtest/gtest.h>

namespace mcph::text {
namespace {

TEST(ReplaceAll, ReplacesEveryOccurrence) {
  EXPECT_EQ(replace_all("{{u}}:{{u}}@{{h}}", "{{u}}", "alice"), "alice:alice@{{h}}");
}

TEST(ReplaceAll, DoesNotSearchWhatItInserted) {
  EXPECT_EQ(replace_all("aa", "a", "aa"), "aaaa");
  EXPECT_EQ(replace_all("$X", "$X", "$X$X"), "$X$X");
}

TEST(ReplaceAll, LeavesTextAloneForAnEmptyPattern) { EXPECT_EQ(replace_all("abc", "", "x"), "abc"); }

}  // namespace
}  // namespace mcph::text
