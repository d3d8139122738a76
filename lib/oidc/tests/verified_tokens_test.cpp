#include "mcph/oidc/verified_tokens.h"

#include <gtest/gtest.h>

namespace mcph::oidc {
namespace {

std::shared_ptr<const jose::JwkSet> key_set() { return std::make_shared<const jose::JwkSet>(); }

jose::VerifiedJwt verified(std::string sub) {
  jose::VerifiedJwt jwt{};
  jwt.alg = jose::Alg::RS256;
  jwt.sub = std::move(sub);
  return jwt;
}

TEST(VerifiedTokens, ATokenIsFoundOnlyWithTheKeySetThatVerifiedIt) {
  VerifiedTokens tokens;
  const auto keys = key_set();
  tokens.remember("t1", keys, {}, verified("alice"));
  ASSERT_TRUE(tokens.find("t1", keys, {}).has_value());
  EXPECT_EQ(tokens.find("t1", keys, {})->sub, "alice");
  EXPECT_FALSE(tokens.find("t1", key_set(), {}).has_value()) << "an equal but other set matched";
  EXPECT_FALSE(tokens.find("t2", keys, {}).has_value());
}

TEST(VerifiedTokens, AForgottenKeySetMatchesNothing) {
  VerifiedTokens tokens;
  auto keys = key_set();
  tokens.remember("t1", keys, {}, verified("alice"));
  const std::weak_ptr<const jose::JwkSet> gone = keys;
  keys.reset();
  ASSERT_TRUE(gone.expired());
  // Whatever set is current now, it is not the one that verified t1.
  EXPECT_FALSE(tokens.find("t1", key_set(), {}).has_value());
}

TEST(VerifiedTokens, ATokenIsFoundOnlyWithTheOptionsThatAcceptedIt) {
  VerifiedTokens tokens;
  const auto keys = key_set();
  jose::VerifyOptions accepted;
  accepted.audience = "github-mcp";
  tokens.remember("t1", keys, accepted, verified("alice"));
  jose::VerifyOptions later_clock = accepted;
  later_clock.now = 42;  // the clock is the caller's to check
  EXPECT_TRUE(tokens.find("t1", keys, later_clock).has_value());
  for (auto change : std::vector<void (*)(jose::VerifyOptions&)>{
           [](jose::VerifyOptions& o) { o.audience = "jira-mcp"; },
           [](jose::VerifyOptions& o) { o.issuer = "http://other"; },
           [](jose::VerifyOptions& o) { o.allowed_algs = {jose::Alg::ES256}; },
           [](jose::VerifyOptions& o) { o.leeway = std::chrono::seconds(60); },
           [](jose::VerifyOptions& o) { o.require_exp = false; },
           [](jose::VerifyOptions& o) { o.max_token_bytes = 1; }}) {
    jose::VerifyOptions other = accepted;
    change(other);
    EXPECT_FALSE(tokens.find("t1", keys, other).has_value());
  }
}

TEST(VerifiedTokens, PastItsCapacityTheOldestTokenIsForgotten) {
  VerifiedTokens tokens(2);
  const auto keys = key_set();
  tokens.remember("t1", keys, {}, verified("alice"));
  tokens.remember("t2", keys, {}, verified("bob"));
  tokens.remember("t1", keys, {}, verified("alice"));  // verified again: now the newest
  tokens.remember("t3", keys, {}, verified("carol"));
  EXPECT_EQ(tokens.size(), 2u);
  EXPECT_FALSE(tokens.find("t2", keys, {}).has_value());
  EXPECT_EQ(tokens.find("t1", keys, {})->sub, "alice");
  EXPECT_EQ(tokens.find("t3", keys, {})->sub, "carol");
}

}  // namespace
}  // namespace mcph::oidc
