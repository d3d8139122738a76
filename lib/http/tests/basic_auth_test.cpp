#include "mcph/http/basic_auth.h"

#include <gtest/gtest.h>

namespace mcph::http {
namespace {

TEST(BasicAuth, EncodesAsRfc7617) {
  // RFC 7617 §2 example.
  EXPECT_EQ(basic_authorization("Aladdin", "open sesame"), "Basic QWxhZGRpbjpvcGVuIHNlc2FtZQ==");
  EXPECT_EQ(basic_authorization("a", "b"), "Basic YTpi");
  EXPECT_EQ(basic_authorization("ab", "c"), "Basic YWI6Yw==");
}

TEST(BasicAuth, RoundTripsIncludingColonsInThePassword) {
  const auto parsed = parse_basic_authorization(basic_authorization("alice@example.com", "tok:en/+x"));
  ASSERT_TRUE(parsed.has_value());
  EXPECT_EQ(parsed->first, "alice@example.com");
  EXPECT_EQ(parsed->second, "tok:en/+x");
  EXPECT_TRUE(parse_basic_authorization("basic YTpi").has_value()) << "scheme is case-insensitive";
}

TEST(BasicAuth, RejectsWhatIsNotBasic) {
  EXPECT_FALSE(parse_basic_authorization("Bearer abc"));
  EXPECT_FALSE(parse_basic_authorization("Basic"));
  EXPECT_FALSE(parse_basic_authorization("Basic !!!!"));
  EXPECT_FALSE(parse_basic_authorization("Basic YWJj"));      // "abc": no colon
  EXPECT_FALSE(parse_basic_authorization("Basic YTpi="));     // bad length
  EXPECT_FALSE(parse_basic_authorization("Basic Y=pi"));      // padding inside
}

}  // namespace
}  // namespace mcph::http
