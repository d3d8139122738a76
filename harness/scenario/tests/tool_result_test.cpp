#include "../src/tool_result.h"

#include <gtest/gtest.h>

namespace mcph::harness {
namespace {

using Json = nlohmann::json;

const TargetProfile& profile(const char* name) { return *builtin_profile(name); }

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
  TargetProfile custom = profile("demo-python");
  custom.result_rows = "/data/items";
  const Json result = tool_result_json(custom, "", R"({"data": {"items": [{"who": "v-carol"}]}, "total": 1})", Json());
  EXPECT_EQ(result["/rows/0/who"_json_pointer], "v-carol");
  EXPECT_EQ(result["total"], 1);
}

TEST(ToolResultTest, TextThatIsNotJsonKeepsTheRpcResult) {
  const Json fallback = {{"content", Json::array({{{"type", "text"}, {"text", "PROJ-1 Fix login"}}})}};
  EXPECT_EQ(tool_result_json(profile("demo-python"), "", "PROJ-1 Fix login", fallback), fallback);
  EXPECT_EQ(tool_result_json(profile("demo-python"), "", "42", fallback), fallback);
}

TEST(ToolResultTest, FailureKindsFollowTheProfilesWordingAndTheCaller) {
  EXPECT_EQ(failure_kinds(profile("reference"), "no_credentials: no Jira credentials stored for bob", "bob"),
            std::vector<std::string>{"missing_credential"});
  EXPECT_EQ(failure_kinds(profile("demo-python"),
                          "Error calling tool 'list_issues': Secret not found at path: secret/data/users/bob/jira", "bob"),
            std::vector<std::string>{"missing_credential"});
  // Someone else's missing secret, another server's wording, or another error: not this kind.
  EXPECT_TRUE(failure_kinds(profile("demo-python"), "Secret not found at path: secret/data/users/alice/jira", "bob").empty());
  EXPECT_TRUE(failure_kinds(profile("demo-python"), "no_credentials: no Jira credentials stored for bob", "bob").empty());
  EXPECT_TRUE(failure_kinds(profile("reference"), "vault_unavailable: Vault did not answer", "bob").empty());
  // A backend's error status: each profile's words, and only them.
  EXPECT_EQ(failure_kinds(profile("reference"), "backend_error: Jira answered HTTP 503", "bob"),
            std::vector<std::string>{"backend_error"});
  EXPECT_EQ(failure_kinds(profile("demo-python"),
                          "Error calling tool 'get_issue': Server error '503 Service Unavailable' for url 'http://x/'", "bob"),
            std::vector<std::string>{"backend_error"});
  EXPECT_TRUE(failure_kinds(profile("demo-python"), "backend_error: Jira answered HTTP 503", "bob").empty());
}

}  // namespace
}  // namespace mcph::harness
