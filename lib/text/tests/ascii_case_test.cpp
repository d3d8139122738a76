#include "mcph/text/ascii_case.h"

#include <gtest/gtest.h>

namespace mcph::text {
namespace {

TEST(AsciiLower, LowersAsciiLettersAndKeepsEveryOtherByte) {
  EXPECT_EQ(ascii_lower("DEMO-1 currentUser()"), "demo-1 currentuser()");
  EXPECT_EQ(ascii_lower(""), "");
  EXPECT_EQ(ascii_lower("\xC3\x89t\xC3\xA9"), "\xC3\x89t\xC3\xA9");  // UTF-8 É and é: not ASCII letters
}

}  // namespace
}  // namespace mcph::text
