// KeptDecisions: a decision the policy made is reused for the same query only, for less than the
// stated time after it was asked; a failure to decide is never reused; the oldest goes first.
#include "mcph/workload/kept_decisions.h"

#include <gtest/gtest.h>

namespace mcph::workload {
namespace {

using namespace std::chrono_literals;
using Clock = KeptDecisions::Clock;

PolicyDecision decided(bool allow) { return {.allow = allow, .decided = true, .reason = allow ? "allowed" : "denied"}; }

TEST(KeptDecisions, ADecisionIsReusedForTheSameQueryUntilItsTimeIsUp) {
  KeptDecisions kept(500ms, 16);
  const auto asked = Clock::now();
  kept.keep(R"({"input":{"tool":"api"}})", asked, decided(true));
  const auto found = kept.find(R"({"input":{"tool":"api"}})", asked + 499ms);
  ASSERT_TRUE(found.has_value());
  EXPECT_TRUE(found->allow);
  EXPECT_EQ(found->reason, "allowed");
  EXPECT_FALSE(kept.find(R"({"input":{"tool":"api"}})", asked + 500ms).has_value()) << "kept past its time";
  EXPECT_FALSE(kept.find(R"({"input":{"tool":"shell"}})", asked + 1ms).has_value()) << "reused for another input";
}

TEST(KeptDecisions, ADenyIsKeptAsWellAndAFailureToDecideNever) {
  KeptDecisions kept(500ms, 16);
  const auto asked = Clock::now();
  kept.keep("deny", asked, decided(false));
  kept.keep("failed", asked, PolicyDecision{.allow = true, .decided = false, .reason = "the policy engine did not answer"});
  ASSERT_TRUE(kept.find("deny", asked).has_value());
  EXPECT_FALSE(kept.find("deny", asked)->allow);
  EXPECT_FALSE(kept.find("failed", asked).has_value());
  EXPECT_EQ(kept.size(), 1u);
}

TEST(KeptDecisions, NothingIsKeptForNoTime) {
  KeptDecisions kept(0ms, 16);
  const auto asked = Clock::now();
  kept.keep("q", asked, decided(true));
  EXPECT_FALSE(kept.find("q", asked).has_value());
  EXPECT_EQ(kept.size(), 0u);
}

TEST(KeptDecisions, TheTimeCountsFromTheAskingAndAnEarlierAskingNeverReplacesALaterOne) {
  KeptDecisions kept(500ms, 16);
  const auto first = Clock::now();
  kept.keep("q", first + 300ms, decided(true));
  kept.keep("q", first, decided(false));  // came back later, asked earlier
  ASSERT_TRUE(kept.find("q", first + 700ms).has_value());
  EXPECT_TRUE(kept.find("q", first + 700ms)->allow);
  EXPECT_FALSE(kept.find("q", first + 800ms).has_value());
}

TEST(KeptDecisions, PastItsCapacityTheOldestQuestionIsForgotten) {
  KeptDecisions kept(10s, 2);
  const auto asked = Clock::now();
  kept.keep("a", asked, decided(true));
  kept.keep("b", asked, decided(true));
  kept.keep("c", asked, decided(true));
  EXPECT_EQ(kept.size(), 2u);
  EXPECT_FALSE(kept.find("a", asked).has_value());
  EXPECT_TRUE(kept.find("b", asked).has_value());
  EXPECT_TRUE(kept.find("c", asked).has_value());
}

}  // namespace
}  // namespace mcph::workload
