// The private DER <-> R||S conversion, with the short integers that a random signature only
// rarely has (a leading zero byte in R or S happens about once in 128 signatures).
#include "ecdsa_signature.h"

#include <gtest/gtest.h>

namespace mcph::jose::detail {
namespace {

std::string bytes(std::initializer_list<int> values) {
  std::string text;
  for (const int value : values) {
    text += static_cast<char>(value);
  }
  return text;
}

TEST(EcdsaSignature, ShortIntegersArePaddedToFullWidth) {
  // SEQUENCE { INTEGER 1, INTEGER 0x0102 }
  const std::string der = bytes({0x30, 0x07, 0x02, 0x01, 0x01, 0x02, 0x02, 0x01, 0x02});
  const auto jose = ecdsa_der_to_jose(der, 32);
  ASSERT_TRUE(jose.has_value());
  EXPECT_EQ(*jose, std::string(31, '\0') + '\x01' + std::string(30, '\0') + "\x01\x02");
  EXPECT_EQ(ecdsa_jose_to_der(*jose, 32), der);
}

TEST(EcdsaSignature, HighBitIntegersGetTheirDerSignByte) {
  const std::string jose = std::string(32, '\xFF') + std::string(32, '\x7F');
  const auto der = ecdsa_jose_to_der(jose, 32);
  ASSERT_TRUE(der.has_value());
  // r needs a 0x00 prefix to stay positive (33 bytes), s does not (32 bytes).
  EXPECT_EQ(der->size(), 2u + (2 + 33) + (2 + 32));
  EXPECT_EQ(ecdsa_der_to_jose(*der, 32), jose);
}

TEST(EcdsaSignature, RefusesWrongSizesAndBadDer) {
  EXPECT_EQ(ecdsa_jose_to_der(std::string(63, '\x01'), 32), std::nullopt);
  EXPECT_EQ(ecdsa_jose_to_der(std::string(65, '\x01'), 32), std::nullopt);
  EXPECT_EQ(ecdsa_der_to_jose("not der", 32), std::nullopt);
  // Valid DER followed by a trailing byte.
  EXPECT_EQ(ecdsa_der_to_jose(bytes({0x30, 0x06, 0x02, 0x01, 0x01, 0x02, 0x01, 0x02, 0x00}), 32),
            std::nullopt);
  // An integer wider than the coordinate.
  std::string wide = bytes({0x30, 0x26, 0x02, 0x21, 0x01});
  wide += std::string(32, '\x01') + bytes({0x02, 0x01, 0x01});
  EXPECT_EQ(ecdsa_der_to_jose(wide, 32), std::nullopt);
}

}  // namespace
}  // namespace mcph::jose::detail
