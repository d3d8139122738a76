#include "mcph/http/base64.h"

#include <gtest/gtest.h>

namespace mcph::http {
namespace {

TEST(Base64, EncodesTheRfc4648TestVectors) {
  // RFC 4648 §10.
  EXPECT_EQ(base64_encode(""), "");
  EXPECT_EQ(base64_encode("f"), "Zg==");
  EXPECT_EQ(base64_encode("fo"), "Zm8=");
  EXPECT_EQ(base64_encode("foo"), "Zm9v");
  EXPECT_EQ(base64_encode("foob"), "Zm9vYg==");
  EXPECT_EQ(base64_encode("fooba"), "Zm9vYmE=");
  EXPECT_EQ(base64_encode("foobar"), "Zm9vYmFy");
}

TEST(Base64, DecodesTheRfc4648TestVectors) {
  EXPECT_EQ(base64_decode(""), "");
  EXPECT_EQ(base64_decode("Zg=="), "f");
  EXPECT_EQ(base64_decode("Zm8="), "fo");
  EXPECT_EQ(base64_decode("Zm9v"), "foo");
  EXPECT_EQ(base64_decode("Zm9vYmFy"), "foobar");
}

TEST(Base64, RoundTripsEveryByteValueWithTheStandardAlphabet) {
  std::string bytes;
  for (int i = 0; i < 256; ++i) bytes += static_cast<char>(i);
  const std::string encoded = base64_encode(bytes);
  EXPECT_NE(encoded.find('+'), std::string::npos);
  EXPECT_NE(encoded.find('/'), std::string::npos);
  EXPECT_EQ(base64_decode(encoded), bytes);
}

TEST(Base64, RefusesAnythingNotStrictlyBase64) {
  EXPECT_FALSE(base64_decode("Zg"));          // unpadded
  EXPECT_FALSE(base64_decode("Zm9vY"));       // length not a multiple of 4
  EXPECT_FALSE(base64_decode("Z==="));        // three padding characters
  EXPECT_FALSE(base64_decode("Z=g="));        // padding inside
  EXPECT_FALSE(base64_decode("===="));
  EXPECT_FALSE(base64_decode("Zm9v-_8="));    // base64url alphabet
  EXPECT_FALSE(base64_decode("Zm9v\nYmE"));   // line break
  EXPECT_FALSE(base64_decode(" Zm9vYmE"));   // whitespace
}

}  // namespace
}  // namespace mcph::http
