#include <gtest/gtest.h>

#include <string>

#include "mcph/agent_bridge/kv_path.h"
#include "mcph/agent_bridge/scopes.h"

namespace mcph::agent_bridge {
namespace {

TEST(ConfinePath, AcceptsPlainNestedPaths) {
  EXPECT_EQ(confine_path("app/config").path, "app/config");
  EXPECT_EQ(confine_path("a%20b").path, "a b");
}

TEST(ConfinePath, RefusesEveryTraversalTrick) {
  for (const std::string trick : {"../b/x", "..%2Fb", "%2e%2e/b", "a/../../b", "./x", "x/.", "a//b", "/a", "a/",
                                  "a\\..\\b", "a%5cb", "%00", "a%252Fb", "..", ".", "", "%zz"}) {
    const ConfinedPath confined = confine_path(trick);
    EXPECT_FALSE(confined.path) << trick << " was accepted as " << confined.path.value_or("");
    EXPECT_FALSE(confined.refusal.empty()) << trick;
  }
  EXPECT_FALSE(confine_path(std::string("a\0b", 3)).path);
}

TEST(SinglePassDotdot, IsTheDefectItNames) {
  // One pass of replace("..", "") then a decode: encoded dots survive and become "..".
  EXPECT_EQ(single_pass_dotdot("%2e%2e/b/x").path, "../b/x");
}

TEST(Scopes, AreWholeWords) {
  const auto granted = split_scopes("read-all  list");
  ASSERT_EQ(granted.size(), 2u);
  EXPECT_FALSE(has_scope(granted, "read"));
  EXPECT_TRUE(has_scope(granted, "list"));
  EXPECT_TRUE(has_scope(granted, "read", /*unsafe_substring=*/true));
}

}  // namespace
}  // namespace mcph::agent_bridge
