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

// A JSON-RPC batch's calls are charged together: all of them or none, and never more than the
// limit at once, however full the bucket.
TEST(RateLimiter, SeveralCallsAtOnceAreAllOrNothing) {
  RateLimiter limiter(5, 1000ms);
  const auto t0 = RateLimiter::Clock::time_point{} + 1h;
  EXPECT_FALSE(limiter.acquire("alice", 3, t0));
  EXPECT_EQ(limiter.acquire("alice", 3, t0), 1s);   // 2 left: none of the 3 is taken …
  EXPECT_FALSE(limiter.acquire("alice", 2, t0));   // … so the 2 are still there
  EXPECT_TRUE(limiter.acquire("alice", t0));
  EXPECT_EQ(limiter.acquire("bob", 6, t0), 1s);    // beyond the limit: a whole window, and …
  EXPECT_FALSE(limiter.acquire("bob", 5, t0));     // … nothing taken
  EXPECT_FALSE(limiter.acquire("carol", 0, t0));
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

// Concurrent callers read the clock before they take the lock, so a call may arrive with an
// earlier time than the one before it. That must not wind the bucket back: the time between
// would be refilled twice, and more calls let through than the limit allows (found by family
// 10's rate-limit check under ASan: 47 calls accepted within 1332 ms at 20 per second).
TEST(RateLimiter, ACallWithAnEarlierTimeNeverRefillsTwice) {
  RateLimiter limiter(10, 1000ms);
  const auto t0 = RateLimiter::Clock::time_point{} + 1h;
  int admitted = 0;
  const auto drain = [&](RateLimiter::Clock::time_point at) {
    while (!limiter.acquire("alice", at)) ++admitted;
  };
  drain(t0);                 // the burst: 10
  drain(t0 + 500ms);         // half a window refilled: 5
  drain(t0 + 100ms);         // a late thread's call: nothing more
  drain(t0 + 500ms);         // and still nothing more at the same time
  EXPECT_EQ(admitted, 15);
}

TEST(RateLimiter, ZeroLimitDisablesLimiting) {
  RateLimiter limiter(0, 1000ms);
  for (int i = 0; i < 100; ++i) EXPECT_FALSE(limiter.acquire("alice"));
}

}  // namespace
}  // namespace mcph::broker
