#include "mcph/secrets/mask.h"

#include <gtest/gtest.h>

namespace mcph::secrets {
namespace {

TEST(Mask, ShowsAtMostTheLastFourCharacters) {
  EXPECT_EQ(mask("ghp_abcdefghijklmnop1234"), "****1234");
  EXPECT_EQ(mask("123456789"), "****6789");
}

TEST(Mask, ShortSecretsAreFullyHidden) {
  EXPECT_EQ(mask("alice123"), "****");
  EXPECT_EQ(mask("abc"), "****");
  EXPECT_EQ(mask(""), "****");
}

}  // namespace
}  // namespace mcph::secrets
