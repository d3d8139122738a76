// Which expectations a step may state follows from the parts of the result its kind yields
// (result_part.h): a kind that yields an HTTP answer gets every check of an HTTP answer without
// any row of the expectation table naming it.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <algorithm>

#include "expectation_kinds.h"
#include "steps/step_kind.h"

namespace mcph::harness::scenario {
namespace {

using ::testing::Contains;
using ::testing::IsSupersetOf;
using ::testing::Not;

bool yields(const StepKindInfo& kind, ResultPart part) {
  return std::find(kind.yields.begin(), kind.yields.end(), part) != kind.yields.end();
}

TEST(ResultParts, EveryKindYieldingAnHttpAnswerAcceptsTheHttpChecks) {
  int kinds = 0;
  for (const auto& kind : step_kind_table()) {
    if (!yields(kind, ResultPart::http_answer)) continue;
    ++kinds;
    EXPECT_THAT(expectation_names_for(kind.kind),
                IsSupersetOf({"http_status", "header_contains", "body_contains", "body_empty", "bearer_challenge"}))
        << kind.name;
  }
  EXPECT_GE(kinds, 8);
}

TEST(ResultParts, ANewKindYieldingAnHttpAnswerGetsEveryCheckThatReadsOne) {
  const auto names = expectation_names_for(std::vector<ResultPart>{ResultPart::http_answer});
  for (const auto& kind : expectation_kinds()) {
    const bool reads_http = std::find(kind.reads.begin(), kind.reads.end(), ResultPart::http_answer) != kind.reads.end();
    if (reads_http) EXPECT_THAT(names, Contains(std::string(kind.name)));
    else EXPECT_THAT(names, Not(Contains(std::string(kind.name))));
  }
}

TEST(ResultParts, AKindWithoutAPartCannotStateItsChecks) {
  EXPECT_THAT(expectation_names_for(StepKind::sql), Not(Contains("http_status")));
  EXPECT_THAT(expectation_names_for(StepKind::wait), ::testing::IsEmpty());
  EXPECT_THAT(expectation_names_for(StepKind::tcp), Not(Contains("stream_messages")));
}

// No row is dead: every expectation reads a part some kind yields, and every part is read.
TEST(ResultParts, EveryExpectationCanBeStatedAndEveryPartIsRead) {
  for (const auto& expectation : expectation_kinds()) {
    ASSERT_FALSE(expectation.reads.empty()) << expectation.name;
    const bool stateable = std::any_of(step_kind_table().begin(), step_kind_table().end(), [&](const StepKindInfo& kind) {
      return std::any_of(expectation.reads.begin(), expectation.reads.end(), [&](ResultPart part) { return yields(kind, part); });
    });
    EXPECT_TRUE(stateable) << expectation.name;
  }
  for (const auto& part : result_parts()) {
    const bool read = std::any_of(expectation_kinds().begin(), expectation_kinds().end(), [&](const ExpectationKind& kind) {
      return std::find(kind.reads.begin(), kind.reads.end(), part.part) != kind.reads.end();
    });
    EXPECT_TRUE(read) << part.name;
  }
}

}  // namespace
}  // namespace mcph::harness::scenario
