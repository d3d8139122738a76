// The one base64 codec, in both alphabets: RFC 4648's vectors, the URL-safe characters, and
// strict decoding (what a conforming encoder never writes is refused).
#include "mcph/codec/base64.h"

#include <gtest/gtest.h>

#include <string>

namespace mcph::codec {
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

// RFC 4648 §10 test vectors, without the padding that base64url in JOSE drops.
TEST(Base64Url, EncodesRfc4648Vectors) {
  EXPECT_EQ(base64url_encode(""), "");
  EXPECT_EQ(base64url_encode("f"), "Zg");
  EXPECT_EQ(base64url_encode("fo"), "Zm8");
  EXPECT_EQ(base64url_encode("foo"), "Zm9v");
  EXPECT_EQ(base64url_encode("foob"), "Zm9vYg");
  EXPECT_EQ(base64url_encode("fooba"), "Zm9vYmE");
  EXPECT_EQ(base64url_encode("foobar"), "Zm9vYmFy");
}

TEST(Base64Url, DecodesRfc4648Vectors) {
  EXPECT_EQ(base64url_decode(""), "");
  EXPECT_EQ(base64url_decode("Zg"), "f");
  EXPECT_EQ(base64url_decode("Zm8"), "fo");
  EXPECT_EQ(base64url_decode("Zm9vYmFy"), "foobar");
}

// RFC 7515 Appendix C: the octets [3, 236, 255, 224, 193] encode as "A-z_4ME", which uses both
// characters where base64url differs from base64 ('-' for '+', '_' for '/').
TEST(Base64Url, UsesTheUrlSafeAlphabetOfRfc7515AppendixC) {
  const std::string octets{'\x03', '\xEC', '\xFF', '\xE0', '\xC1'};
  EXPECT_EQ(base64url_encode(octets), "A-z_4ME");
  EXPECT_EQ(base64url_decode("A-z_4ME"), octets);
}

TEST(Base64Url, RoundTripsEveryByteValueAtEveryLengthModulo) {
  std::string bytes;
  for (int value = 0; value < 256; ++value) {
    bytes += static_cast<char>(value);
  }
  for (std::size_t length = 0; length <= bytes.size(); length += 1 + length / 8) {
    const std::string prefix = bytes.substr(0, length);
    EXPECT_EQ(base64url_decode(base64url_encode(prefix)), prefix) << "length " << length;
  }
}

TEST(Base64Url, RejectsPadding) {
  EXPECT_EQ(base64url_decode("Zg=="), std::nullopt);
  EXPECT_EQ(base64url_decode("Zm8="), std::nullopt);
}

TEST(Base64Url, RejectsCharactersOfPlainBase64AndOthers) {
  EXPECT_EQ(base64url_decode("A+z/4ME"), std::nullopt);
  EXPECT_EQ(base64url_decode("Zm9v Yg"), std::nullopt);
  EXPECT_EQ(base64url_decode("Zm9v\nYg"), std::nullopt);
  EXPECT_EQ(base64url_decode(std::string("Zm\0v", 4)), std::nullopt);
  EXPECT_EQ(base64url_decode("Zm9v\xC3\xA9"), std::nullopt);
}

TEST(Base64Url, RejectsImpossibleLength) {
  EXPECT_EQ(base64url_decode("Z"), std::nullopt);
  EXPECT_EQ(base64url_decode("Zm9vY"), std::nullopt);
}

// "Zh" would decode to "f" as well if the unused low bits were ignored.
TEST(Base64Url, RejectsNonCanonicalTrailingBits) {
  EXPECT_EQ(base64url_decode("Zh"), std::nullopt);
  EXPECT_EQ(base64url_decode("Zm9"), std::nullopt);
  EXPECT_EQ(base64url_decode("Zm8"), "fo");
}

// The same bytes in both alphabets differ only in '+' '/' against '-' '_', and in padding.
TEST(Base64, TheTwoAlphabetsDifferOnlyWhereRfc4648SaysSo) {
  const std::string octets{'\x03', '\xEC', '\xFF', '\xE0', '\xC1'};
  EXPECT_EQ(base64_encode(octets), "A+z/4ME=");
  EXPECT_EQ(base64url_encode(octets), "A-z_4ME");
  EXPECT_FALSE(base64_decode("A-z_4ME="));
  EXPECT_FALSE(base64url_decode("A+z/4ME"));
}

}  // namespace
}  // namespace mcph::codec
