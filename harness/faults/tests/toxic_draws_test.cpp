// A toxic's randomness comes from its seed: the same seed gives the same delays and the same
// connections hit, so a scenario's faults repeat with the run's seed.
#include "mcph/harness/faults/toxic_draws.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <vector>

#include "mcph/harness/faults/fault_proxy.h"
#include "tcp_fixtures.h"

namespace mcph::harness::faults {
namespace {

using namespace testing;

std::vector<std::int64_t> delays(std::uint64_t seed, std::uint64_t link, int count) {
  seed::Draws draws = toxic_draws(seed, link);
  std::vector<std::int64_t> out;
  for (int i = 0; i < count; ++i) out.push_back(latency_delay(Latency{200, 100}, draws));
  return out;
}

TEST(ToxicDraws, TheSameSeedGivesTheSameJitteredDelays) {
  EXPECT_EQ(delays(11, 0, 20), delays(11, 0, 20));
  EXPECT_NE(delays(11, 0, 20), delays(12, 0, 20));  // another seed, other delays
  EXPECT_NE(delays(11, 0, 20), delays(11, 1, 20));  // the next connection, its own
  for (const std::int64_t delay : delays(11, 0, 200)) {
    EXPECT_GE(delay, 100);
    EXPECT_LT(delay, 300);
  }
}

TEST(ToxicDraws, LatencyNeverGoesBelowZeroAndWithoutJitterDrawsNothing) {
  seed::Draws draws = toxic_draws(1, 0);
  for (int i = 0; i < 100; ++i) EXPECT_GE(latency_delay(Latency{5, 50}, draws), 0);
  seed::Draws fixed = toxic_draws(1, 0), untouched = toxic_draws(1, 0);
  EXPECT_EQ(latency_delay(Latency{70, 0}, fixed), 70);
  EXPECT_EQ(fixed.next(), untouched.next());
}

// Which connections a toxic of toxicity 0.5 closes early: `n` connections one after another,
// true where the client got only the limit.
std::vector<bool> limited_connections(std::uint64_t seed, int n) {
  FaultProxy proxies;
  Upstream blob(Upstream::Mode::blob_then_close, std::string(1000, 'd'));
  const std::string address = proxies.create("p", "127.0.0.1:0", blob.address()).listen;
  proxies.add_toxic("p", Toxic{"", LimitData{100}, Stream::downstream, 0.5, seed});
  std::vector<bool> limited;
  for (int i = 0; i < n; ++i) {
    Client client(address);
    std::string received;
    EXPECT_EQ(client.receive_to_end(received, 5s), End::closed);
    limited.push_back(received.size() == 100);
  }
  return limited;
}

// The proxy draws from the toxic's seed as toxic_draws says: the k-th connection is hit when
// its draws say so, on every proxy given that seed.
TEST(ToxicDraws, ASeededToxicityHitsTheSameConnectionsEveryTime) {
  constexpr int kConnections = 10;
  std::vector<bool> expected;
  for (int k = 0; k < kConnections; ++k) {
    seed::Draws draws = toxic_draws(2024, static_cast<std::uint64_t>(k));
    expected.push_back(toxic_applies(0.5, draws));
  }
  ASSERT_THAT(expected, ::testing::Contains(true));  // the seed is one that hits some and spares some
  ASSERT_THAT(expected, ::testing::Contains(false));
  EXPECT_EQ(limited_connections(2024, kConnections), expected);
  EXPECT_EQ(limited_connections(2024, kConnections), expected);
}

}  // namespace
}  // namespace mcph::harness::faults
