#include "mcph/text/closest.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

namespace mcph::text {
namespace {

TEST(EditDistance, CountsInsertionsDeletionsAndSubstitutions) {
  EXPECT_EQ(edit_distance("", ""), 0u);
  EXPECT_EQ(edit_distance("abc", "abc"), 0u);
  EXPECT_EQ(edit_distance("abc", ""), 3u);
  EXPECT_EQ(edit_distance("kitten", "sitting"), 3u);
  EXPECT_EQ(edit_distance("client_id", "clientid"), 1u);
}

TEST(Closest, NamesTheNearestFirstAndAtMostCount) {
  const std::vector<std::string> names = {"issuer", "client_id", "client_secret", "audience", "scope"};
  EXPECT_THAT(closest("client_secrt", names, 2), ::testing::ElementsAre("client_secret", "client_id"));
  EXPECT_THAT(closest("scop", names, 1), ::testing::ElementsAre("scope"));
  EXPECT_EQ(closest("x", names).size(), 3u);
  EXPECT_TRUE(closest("x", {}).empty());
}

}  // namespace
}  // namespace mcph::text
