#include "mcph/text/join.h"

#include <gtest/gtest.h>

#include <map>
#include <set>
#include <string>
#include <vector>

namespace mcph::text {
namespace {

TEST(Join, ListsItemsWithTheSeparatorBetweenThemOnly) {
  EXPECT_EQ(join(std::vector<std::string>{"jira-mcp", "github-mcp", "postgres-mcp"}), "jira-mcp, github-mcp, postgres-mcp");
  EXPECT_EQ(join(std::set<std::string>{"b", "a"}, "; "), "a; b");
  EXPECT_EQ(join(std::vector<std::string>{"alone"}), "alone");
  EXPECT_EQ(join(std::vector<std::string>{}), "");
}

TEST(Join, TakesStringViewsLiteralsAndProjections) {
  EXPECT_EQ(join(std::vector<std::string_view>{"x", "y"}, "|"), "x|y");
  EXPECT_EQ(join(std::vector<const char*>{"up", "down"}), "up, down");
  const std::map<std::string, int> counts = {{"vault", 1}, {"keycloak", 2}};
  EXPECT_EQ(join(counts, ", ", [](const auto& entry) -> const std::string& { return entry.first; }), "keycloak, vault");
  struct Named {
    std::string name;
  };
  EXPECT_EQ(join(std::vector<Named>{{"reference"}, {"demo-python"}}, ", ", &Named::name), "reference, demo-python");
  EXPECT_EQ(join(std::vector<std::string>{"", ""}), ", ");  // empty items are kept, not skipped
}

}  // namespace
}  // namespace mcph::text
