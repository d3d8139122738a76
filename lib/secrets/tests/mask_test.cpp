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

TEST(MaskUrlPassword, HidesThePasswordOfTheUserInfoOnly) {
  EXPECT_EQ(mask_url_password("postgresql://postgres:s3cret@127.0.0.1:5432/mcp_demo"),
            "postgresql://postgres:****@127.0.0.1:5432/mcp_demo");
  EXPECT_EQ(mask_url_password("http://127.0.0.1:8200/v1/x@y"), "http://127.0.0.1:8200/v1/x@y");
  EXPECT_EQ(mask_url_password("postgresql://postgres@127.0.0.1/db"), "postgresql://postgres@127.0.0.1/db");
  EXPECT_EQ(mask_url_password("not a url"), "not a url");
}

}  // namespace
}  // namespace mcph::secrets
