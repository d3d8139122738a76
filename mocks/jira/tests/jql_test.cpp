#include "jql.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

namespace mcph::mock_jira {
namespace {

using ::testing::ElementsAre;

TEST(Jql, ParsesClausesJoinedByAndAndIgnoresOrderBy) {
  const auto q = parse_jql(R"(project = DEMO AND status != "In Progress" AND assignee=currentUser() ORDER BY key)");
  ASSERT_EQ(q.clauses.size(), 3u);
  EXPECT_EQ(q.clauses[0].field, "project");
  EXPECT_THAT(q.clauses[0].values, ElementsAre("DEMO"));
  EXPECT_EQ(q.clauses[1].op, "!=");
  EXPECT_THAT(q.clauses[1].values, ElementsAre("In Progress"));
  EXPECT_THAT(q.clauses[2].values, ElementsAre("currentUser()"));
}

TEST(Jql, TheDemosCompactFormWorks) {
  const auto q = parse_jql("assignee=alice");
  ASSERT_EQ(q.clauses.size(), 1u);
  EXPECT_EQ(q.clauses[0].field, "assignee");
  EXPECT_THAT(q.clauses[0].values, ElementsAre("alice"));
}

TEST(Jql, InListsEmptinessTextSearchAndAliases) {
  const auto q = parse_jql("issuekey in (DEMO-1, 'DEMO-2') and assignee is not EMPTY and text ~ login and type = Bug");
  ASSERT_EQ(q.clauses.size(), 4u);
  EXPECT_EQ(q.clauses[0].field, "key");
  EXPECT_THAT(q.clauses[0].values, ElementsAre("DEMO-1", "DEMO-2"));
  EXPECT_EQ(q.clauses[1].op, "is not empty");
  EXPECT_EQ(q.clauses[2].op, "~");
  EXPECT_EQ(q.clauses[3].field, "issuetype");
  EXPECT_TRUE(parse_jql("").clauses.empty());
}

TEST(Jql, ErrorsUseJirasWording) {
  EXPECT_THROW(parse_jql("colour = red"), JqlError);
  try {
    parse_jql("colour = red");
  } catch (const JqlError& e) {
    EXPECT_STREQ(e.what(), "Field 'colour' does not exist or you do not have permission to view it.");
  }
  EXPECT_THROW(parse_jql("project = "), JqlError);
  EXPECT_THROW(parse_jql("project = 'DEMO"), JqlError);
  EXPECT_THROW(parse_jql("project = DEMO OR project = OPS"), JqlError);
  EXPECT_THROW(parse_jql("key in (A, B"), JqlError);
}

}  // namespace
}  // namespace mcph::mock_jira
