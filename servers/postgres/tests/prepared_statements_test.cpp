// What a session keeps prepared: found by text, the least recently used given up first, long
// texts never kept, and no name given twice.
#include "prepared_statements.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <set>
#include <string>

namespace mcph::postgres_mcp {
namespace {

using ::testing::ElementsAre;
using ::testing::IsEmpty;

// Prepares `sql` as the session would: room first, then kept under a new name.
std::string keep(PreparedStatements& kept, const std::string& sql) {
  EXPECT_THAT(kept.make_room(1), IsEmpty());
  std::string name = kept.new_name();
  kept.add(sql, name);
  return name;
}

TEST(PreparedStatementsTest, AKeptTextIsFoundByItsTextUnderItsName) {
  PreparedStatements kept(4, 100);
  const std::string name = keep(kept, "SELECT 1");
  ASSERT_NE(kept.find("SELECT 1"), nullptr);
  EXPECT_EQ(*kept.find("SELECT 1"), name);
  EXPECT_EQ(kept.find("SELECT 2"), nullptr);
  EXPECT_EQ(kept.find("select 1"), nullptr);  // the very text, not one PostgreSQL reads alike
}

TEST(PreparedStatementsTest, TheLeastRecentlyUsedAreGivenUpForNewOnes) {
  PreparedStatements kept(3, 100);
  const std::string a = keep(kept, "A");
  const std::string b = keep(kept, "B");
  const std::string c = keep(kept, "C");
  kept.find("A");  // now B is the least recently used, then C
  EXPECT_THAT(kept.make_room(2), ElementsAre(b, c));
  EXPECT_EQ(kept.size(), 1u);
  EXPECT_EQ(kept.find("B"), nullptr);
  EXPECT_EQ(*kept.find("A"), a);
}

TEST(PreparedStatementsTest, NoRoomIsMadeWhileThereIsSome) {
  PreparedStatements kept(3, 100);
  keep(kept, "A");
  EXPECT_THAT(kept.make_room(2), IsEmpty());
  EXPECT_EQ(kept.size(), 1u);
}

TEST(PreparedStatementsTest, TextsLongerThanTheLimitAreNotAdmitted) {
  PreparedStatements kept(3, 8);
  EXPECT_TRUE(kept.admits("SELECT 1"));
  EXPECT_FALSE(kept.admits("SELECT 10"));
}

TEST(PreparedStatementsTest, ANameIsNeverGivenTwice) {
  PreparedStatements kept(2, 100);
  std::set<std::string> names;
  for (int i = 0; i < 10; ++i) {
    kept.make_room(1);
    const std::string name = kept.new_name();
    EXPECT_TRUE(names.insert(name).second) << name;
    kept.add("SELECT " + std::to_string(i), name);
  }
  EXPECT_EQ(kept.size(), 2u);
}

}  // namespace
}  // namespace mcph::postgres_mcp
