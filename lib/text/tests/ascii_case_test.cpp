#include "mcph/text/ascii_case.h"

#include <gtest/gtest.h>

namespace mcph::text {
namespace {

TEST(AsciiLower, LowersAsciiLettersAndKeepsEveryOtherByte) {
  EXPECT_EQ(ascii_lower("DEMO-1 currentUser()"), "demo-1 currentuser()");
  EXPECT_EQ(ascii_lower(""), "");
  EXPECT_EQ(ascii_lower("\xC3\x89t\xC3\xA9"), "\xC3\x89t\xC3\xA9");  // UTF-8 É and é: not ASCII letters
}

TEST(AsciiIequals, IgnoresTheCaseOfAsciiLettersAlone) {
  EXPECT_TRUE(ascii_iequals("Alice@Example.COM", "alice@example.com"));
  EXPECT_TRUE(ascii_iequals("", ""));
  EXPECT_FALSE(ascii_iequals("alice", "alicе"));  // the last letter Cyrillic
  EXPECT_FALSE(ascii_iequals("alice", "alice "));
  EXPECT_FALSE(ascii_iequals("\xC3\x89", "\xC3\xA9"));  // É and é: not ASCII letters
  EXPECT_FALSE(ascii_iequals("[", "{"));                  // '[' | 0x20 is '{': no bit tricks
}

}  // namespace
}  // namespace mcph::text
