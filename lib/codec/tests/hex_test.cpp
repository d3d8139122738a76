#include "mcph/codec/hex.h"

#include <gtest/gtest.h>

#include <string>

namespace {

using mcph::codec::hex_encode;

TEST(Hex, EncodesEachByteAsTwoLowerCaseDigits) {
  EXPECT_EQ(hex_encode(""), "");
  EXPECT_EQ(hex_encode("\x01\xab\xff"), "01abff");
  EXPECT_EQ(hex_encode(std::string("\0\x10", 2)), "0010");
}

TEST(Hex, EncodesEveryByteValue) {
  std::string all;
  for (int b = 0; b < 256; ++b) all += static_cast<char>(b);
  const std::string text = hex_encode(all);
  ASSERT_EQ(text.size(), 512u);
  EXPECT_EQ(text.substr(0, 6), "000102");
  EXPECT_EQ(text.substr(2 * 0x7f, 4), "7f80");
  EXPECT_EQ(text.substr(508), "feff");
}

}  // namespace
