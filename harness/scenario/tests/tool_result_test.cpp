#include "../src/tool_result.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

namespace mcph::harness::scenario {
namespace {

using Json = nlohmann::json;
using ::testing::Contains;
using ::testing::ElementsAre;
using ::testing::Not;
using ::testing::UnorderedElementsAre;

const stack::TargetProfile& profile(const char* name) { return *stack::builtin_profile(name); }

TEST(ToolResultTest, StructuredRowsStayAsTheyAre) {
  const Json result = tool_result_json(profile("reference"), R"({"rows": [{"who": "v-alice"}], "count": 1})",
                                       "ignored", Json());
  EXPECT_EQ(result["/rows/0/who"_json_pointer], "v-alice");
  EXPECT_EQ(result["count"], 1);
}

TEST(ToolResultTest, ABareArrayInTextContentIsTheRows) {
  // The demo's execute_query: json.dumps(rows) as text content, no structured content.
  const Json result = tool_result_json(profile("demo-python"), "", R"([{"who": "v-bob"}])", Json());
  EXPECT_EQ(result["/rows/0/who"_json_pointer], "v-bob");
}

TEST(ToolResultTest, ABareArrayInStructuredContentIsTheRows) {
  const Json result = tool_result_json(profile("reference"), R"([{"who": "v-bob"}])", "", Json());
  EXPECT_EQ(result["/rows/0/who"_json_pointer], "v-bob");
}

TEST(ToolResultTest, APointerProfileMovesItsRowsToRows) {
  stack::TargetProfile custom = profile("demo-python");
  custom.result_rows = "/data/items";
  const Json result = tool_result_json(custom, "", R"({"data": {"items": [{"who": "v-carol"}]}, "total": 1})", Json());
  EXPECT_EQ(result["/rows/0/who"_json_pointer], "v-carol");
  EXPECT_EQ(result["total"], 1);
}

TEST(ToolResultTest, RowsOfValuesAreReadByTheColumnsTheProfileNames) {
  stack::TargetProfile columnar = profile("reference");
  columnar.result_columns = "/columns";
  const Json result = tool_result_json(columnar, R"({"columns": ["who", "n"], "rows": [["v-dave", 1], ["v-erin", 2]]})", "", Json());
  EXPECT_EQ(result["/rows/1/who"_json_pointer], "v-erin");
  EXPECT_EQ(result["/rows/0/n"_json_pointer], 1);
  columnar.result_rows = "/records";
  EXPECT_EQ(tool_result_json(columnar, R"({"columns": ["who"], "records": [["v-dave"]]})", "", Json())["/rows/0/who"_json_pointer],
            "v-dave");
  // Without the key, or with names that are not strings, the rows stay arrays.
  EXPECT_EQ(tool_result_json(profile("reference"), R"({"columns": ["who"], "rows": [["v-dave"]]})", "", Json())["/rows/0/0"_json_pointer],
            "v-dave");
  EXPECT_EQ(tool_result_json(columnar, R"({"columns": [1], "records": [["v-dave"]]})", "", Json())["/rows/0/0"_json_pointer], "v-dave");
}

TEST(ToolResultTest, TextThatIsNotJsonKeepsTheRpcResult) {
  const Json fallback = {{"content", Json::array({{{"type", "text"}, {"text", "PROJ-1 Fix login"}}})}};
  EXPECT_EQ(tool_result_json(profile("demo-python"), "", "PROJ-1 Fix login", fallback), fallback);
  EXPECT_EQ(tool_result_json(profile("demo-python"), "", "42", fallback), fallback);
}

TEST(ToolResultTest, FailureKindsFollowTheProfilesWordingAndTheCaller) {
  EXPECT_THAT(failure_kinds(profile("reference"), "no_credentials: no Jira credentials stored for bob", "bob"),
              ElementsAre("missing_credential"));
  EXPECT_THAT(failure_kinds(profile("demo-python"),
                            "Error calling tool 'list_issues': Secret not found at path: secret/data/users/bob/jira", "bob"),
              Contains("missing_credential"));
  // Someone else's missing secret, another server's wording, or another error: not this kind.
  EXPECT_THAT(failure_kinds(profile("demo-python"), "Secret not found at path: secret/data/users/alice/jira", "bob"),
              Not(Contains("missing_credential")));
  EXPECT_THAT(failure_kinds(profile("demo-python"), "no_credentials: no Jira credentials stored for bob", "bob"),
              Not(Contains("missing_credential")));
  EXPECT_THAT(failure_kinds(profile("reference"), "vault_unavailable: Vault did not answer", "bob"), ElementsAre("vault_unavailable"));
  // A backend's error status: each profile's words, and only them.
  EXPECT_THAT(failure_kinds(profile("reference"), "backend_error: Jira answered HTTP 503", "bob"), ElementsAre("backend_error"));
  EXPECT_THAT(failure_kinds(profile("demo-python"),
                            "Error calling tool 'get_issue': Server error '503 Service Unavailable' for url 'http://x/'", "bob"),
              Contains("backend_error"));
  EXPECT_THAT(failure_kinds(profile("demo-python"), "backend_error: Jira answered HTTP 503", "bob"), Not(Contains("backend_error")));
}

// The demo's servers have no words of their own for an unreachable Vault or backend (httpx's
// "All connection attempts failed", or nothing at all for a read timeout): any failure that says
// something is taken as each such kind, one that says nothing as none.
TEST(ToolResultTest, AKindWithoutWordsIsAnyFailureThatSaysSomething) {
  EXPECT_THAT(failure_kinds(profile("demo-python"), "All connection attempts failed", "bob"),
              UnorderedElementsAre("backend_unavailable", "vault_unavailable", "database_unavailable", "identity_provider_unavailable"));
  EXPECT_TRUE(failure_kinds(profile("demo-python"), "", "bob").empty());
  EXPECT_TRUE(failure_kinds(profile("demo-python"), " \n", "bob").empty());
  // The reference servers have words for each: a bare message is none of them.
  EXPECT_TRUE(failure_kinds(profile("reference"), "All connection attempts failed", "bob").empty());
}

}  // namespace
}  // namespace mcph::harness::scenario
