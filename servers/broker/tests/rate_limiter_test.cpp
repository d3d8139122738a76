#include "mcph/broker/rate_limiter.h"

#include <gtest/gtest.h>

namespace mcph::broker {
namespace {

using namespace std::chrono_literals;

TEST(RateLimiter, AllowsTheLimitThenAsksToRetry) {
  RateLimiter limiter(3, 1000ms);
  const auto t0 = RateLimiter::Clock::time_point{} + 1h;
  for (int i = 0; i < 3; ++i) EXPECT_FALSE(limiter.acquire("alice", t0).has_value()) << i;
  const auto wait = limiter.acquire("alice", t0);
  ASSERT_TRUE(wait.has_value());
  EXPECT_EQ(*wait, 1s);
}

TEST(RateLimiter, SubjectsHaveTheirOwnBuckets) {
  RateLimiter limiter(1, 1000ms);
  const auto t0 = RateLimiter::Clock::time_point{} + 1h;
  EXPECT_FALSE(limiter.acquire("alice", t0));
  EXPECT_TRUE(limiter.acquire("alice", t0));
  EXPECT_FALSE(limiter.acquire("bob", t0));
}

TEST(RateLimiter, RefillsOverTheWindow) {
  RateLimiter limiter(2, 1000ms);
  const auto t0 = RateLimiter::Clock::time_point{} + 1h;
  EXPECT_FALSE(limiter.acquire("alice", t0));
  EXPECT_FALSE(limiter.acquire("alice", t0));
  EXPECT_TRUE(limiter.acquire("alice", t0 + 100ms));   // 0.2 tokens back: not enough
  EXPECT_FALSE(limiter.acquire("alice", t0 + 600ms));  // 1.2 tokens back
  EXPECT_FALSE(limiter.acquire("alice", t0 + 5s));     // full again (capped at 2)
  EXPECT_FALSE(limiter.acquire("alice", t0 + 5s));
  EXPECT_TRUE(limiter.acquire("alice", t0 + 5s));
}

TEST(RateLimiter, RetryAfterCoversTheWholeWaitInSeconds) {
  RateLimiter limiter(1, 10000ms);
  const auto t0 = RateLimiter::Clock::time_point{} + 1h;
  limiter.acquire("alice", t0);
  EXPECT_EQ(limiter.acquire("alice", t0 + 500ms), 10s);  // 9.5 s, rounded up
}

TEST(RateLimiter, ZeroLimitDisablesLimiting) {
  RateLimiter limiter(0, 1000ms);
  for (int i = 0; i < 100; ++i) EXPECT_FALSE(limiter.acquire("alice"));
}

}  // namespace
}  // namespace mcph::broker
