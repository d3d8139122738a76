#include "mcph/harness/stack/tool_map.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <stdexcept>

#include "mcph/harness/stack/target_profile.h"

namespace mcph::harness::stack {
namespace {

using ::testing::HasSubstr;

TargetProfile profile_of(const std::string& extra_keys) {
  const std::string json = R"({"url": "http://127.0.0.1:8000/mcp", "profile": "agent-bridge")" + extra_keys + "}";
  return target_profile(parse_service_entry(json, "services.secrets-mcp"), "secrets-mcp");
}

std::string tool_map_error(const std::string& tools) {
  try {
    (void)profile_of(R"(, "tools": )" + tools);
  } catch (const std::runtime_error& e) {
    return e.what();
  }
  return "(no error)";
}

// A FastMCP server's tools, as corpus/oauth-cc-python has them.
constexpr const char* kFastMcpTools = R"({
  "read": {"tool": "get_secret", "args": {"secret": "name"}, "result": "text_json", "fields": {"data": "/data"}},
  "list": {"tool": "list_secrets", "args": {"prefix": "prefix"}, "result": "text_json", "fields": {"keys": "/names"}},
  "refusals": {"insufficient_scope": {"tool_error": ["insufficient scope"]},
               "not_found": {"tool_error": ["secret not found"]}}})";

TEST(ToolMapTest, TheAgentBridgeProfileStatesItsKvToolsAndRefusals) {
  const TargetProfile profile = profile_of("");
  ASSERT_TRUE(profile.tools);
  const ToolMap& map = *profile.tools;
  EXPECT_EQ(map.capabilities.at("read").tool, "kv.read");
  EXPECT_EQ(map.capabilities.at("read").args.at("secret"), "path");
  EXPECT_EQ(map.capabilities.at("read").result, "structured_content");
  EXPECT_EQ(map.capabilities.at("read").fields.at("data"), "/data");
  EXPECT_EQ(map.capabilities.at("write").args.at("data"), "data");
  EXPECT_EQ(map.capabilities.at("list").args.at("prefix"), "path");
  EXPECT_EQ(map.capabilities.at("list").fields.at("keys"), "/keys");
  EXPECT_EQ(map.capabilities.at("delete").tool, "kv.delete");
  EXPECT_EQ(map.refusals.at("insufficient_scope").tool_error, std::vector<std::string>{"insufficient_scope: "});
  EXPECT_EQ(map.refusals.at("invalid_argument").tool_error, std::vector<std::string>{"path refused: "});
  EXPECT_EQ(map.refusals.at("not_found").result.at("/found"), "false");
  EXPECT_EQ(map.resource_uri, "kv://{agent}/{secret}");
}

TEST(ToolMapTest, AServerNotOfTheAgentDesignHasNoToolMap) {
  const TargetProfile profile = target_profile(parse_service_entry(R"({"url": "http://127.0.0.1:3001/mcp"})", "services.jira-mcp"), "jira-mcp");
  EXPECT_FALSE(profile.tools);
}

TEST(ToolMapTest, AnEntrysToolsReplaceCapabilitiesAndRefusalKindsOneByOne) {
  const TargetProfile profile = profile_of(std::string(R"(, "tools": )") + kFastMcpTools);
  const ToolMap& map = *profile.tools;
  EXPECT_EQ(map.capabilities.at("read").tool, "get_secret");
  EXPECT_EQ(map.capabilities.at("read").args.at("secret"), "name");
  EXPECT_EQ(map.capabilities.at("read").result, "text_json");
  EXPECT_EQ(map.capabilities.at("list").fields.at("keys"), "/names");
  EXPECT_EQ(map.capabilities.at("write").tool, "kv.write");  // not given: the profile's
  EXPECT_EQ(map.refusals.at("insufficient_scope").tool_error, std::vector<std::string>{"insufficient scope"});
  EXPECT_EQ(map.refusals.at("invalid_argument").tool_error, std::vector<std::string>{"path refused: "});  // the profile's
  EXPECT_TRUE(map.refusals.at("not_found").result.empty());  // replaced whole: the profile's /found is gone
}

TEST(ToolMapTest, TheToolsKeyIsKeptAsTheJsonItWas) {
  const std::string json = std::string(R"({"url": "http://127.0.0.1:8000/mcp", "tools": )") + kFastMcpTools + "}";
  const ServiceEntry entry = parse_service_entry(json, "services.secrets-mcp");
  EXPECT_EQ(nlohmann::json::parse(entry.mcp.tools), nlohmann::json::parse(kFastMcpTools));
}

TEST(ToolMapTest, AServerOfferingItsSecretsAsResourcesNamesTheirUri) {
  const TargetProfile profile = profile_of(R"(, "tools": {"read_resource": {"uri": "secret://{agent}/{secret}"}})");
  EXPECT_EQ(profile.tools->resource_uri, "secret://{agent}/{secret}");
  EXPECT_EQ(profile.tools->capabilities.at("read").tool, "kv.read") << "the rest stays the profile's";
}

TEST(ToolMapTest, AUserDesignServerRenamesTheToolsTheFamiliesCallByName) {
  const std::string json = R"({"url": "http://127.0.0.1:3001/sse", "plays": "jira-mcp", "tools": {
    "get_issue": {"tool": "jiraGetIssue", "args": {"issue_key": "key"}}, "list_issues": {"tool": "jiraSearch"}}})";
  const TargetProfile profile = target_profile(parse_service_entry(json, "services.devtools"), "devtools");
  ASSERT_TRUE(profile.tools);
  EXPECT_TRUE(profile.tools->capabilities.empty()) << "no capability of the agent design comes with a rename";
  EXPECT_EQ(profile.tools->renamed.at("get_issue").tool, "jiraGetIssue");
  EXPECT_EQ(profile.tools->renamed.at("get_issue").args.at("issue_key"), "key");
  EXPECT_TRUE(profile.tools->renamed.at("list_issues").args.empty());
}

TEST(ToolMapTest, UnknownKeysAndBadValuesAreErrorsNamingTheKey) {
  EXPECT_THAT(tool_map_error(R"({"raed": {"tool": "get"}})"), HasSubstr("services.secrets-mcp.tools: unknown key \"raed\" (the closest known: read"));
  EXPECT_THAT(tool_map_error(R"({"read": {"tool": "get", "argz": {}}})"), HasSubstr("services.secrets-mcp.tools.read: unknown key \"argz\""));
  EXPECT_THAT(tool_map_error(R"({"read": {"tool": "get", "args": {"path": "name"}}})"),
              HasSubstr("services.secrets-mcp.tools.read.args: unknown key \"path\" (the closest known: secret)"));
  EXPECT_THAT(tool_map_error(R"({"write": {"tool": "put", "args": {"data": ""}}})"), HasSubstr("tools.write.args.data must name the tool's argument"));
  EXPECT_THAT(tool_map_error(R"({"read": {"args": {"secret": "name"}}})"), HasSubstr("tools.read.tool must name the server's tool"));
  EXPECT_THAT(tool_map_error(R"({"read": {"tool": "get", "result": "json"}})"),
              HasSubstr("tools.read.result must be one of structured_content, text_json, text, not \"json\""));
  EXPECT_THAT(tool_map_error(R"({"read": {"tool": "get", "fields": {"data": "data"}}})"), HasSubstr("tools.read.fields.data must be a JSON pointer"));
  EXPECT_THAT(tool_map_error(R"({"write": {"tool": "put", "fields": {"data": "/data"}}})"), HasSubstr("tools.write.fields: this capability has none"));
  EXPECT_THAT(tool_map_error(R"({"refusals": {"forbidden": {"http_status": 403}}})"),
              HasSubstr("tools.refusals: unknown key \"forbidden\""));
  EXPECT_THAT(tool_map_error(R"({"refusals": {"not_found": {}}})"), HasSubstr("tools.refusals.not_found must be an object of at least one condition"));
  EXPECT_THAT(tool_map_error(R"({"refusals": {"not_found": {"status": 404}}})"), HasSubstr("tools.refusals.not_found: unknown key \"status\""));
  EXPECT_THAT(tool_map_error(R"({"refusals": {"not_found": {"http_status": 4040}}})"), HasSubstr("http_status must be an HTTP status"));
  EXPECT_THAT(tool_map_error(R"({"refusals": {"not_found": {"tool_error": "secret not found"}}})"), HasSubstr("tool_error must be a list of texts"));
  EXPECT_THAT(tool_map_error(R"({"refusals": {"not_found": {"result": {"found": false}}}})"), HasSubstr("\"found\" is no JSON pointer"));
  EXPECT_THAT(tool_map_error(R"(["read"])"), HasSubstr("services.secrets-mcp.tools must be an object"));
  EXPECT_THAT(tool_map_error(R"({"read_resource": {"uri": "vault://{secret}"}})"), HasSubstr("tools.read_resource.uri must hold {agent} once"));
  EXPECT_THAT(tool_map_error(R"({"read_resource": {"uri": "vault://{agent}/{secret}/{secret}"}})"),
              HasSubstr("tools.read_resource.uri must hold {secret} once"));
  EXPECT_THAT(tool_map_error(R"({"read_resource": {"template": "x"}})"), HasSubstr("tools.read_resource: unknown key \"template\""));
  EXPECT_THAT(tool_map_error(R"({"get_isue": {"tool": "jiraGetIssue"}})"),
              HasSubstr("services.secrets-mcp.tools: unknown key \"get_isue\" (the closest known: get_issue"));
  EXPECT_THAT(tool_map_error(R"({"get_issue": {"args": {"issue_key": "key"}}})"), HasSubstr("tools.get_issue.tool must name the server's tool"));
  EXPECT_THAT(tool_map_error(R"({"get_issue": {"tool": "g", "args": {"issue_key": ""}}})"),
              HasSubstr("tools.get_issue.args.issue_key must name the tool's argument"));
  EXPECT_THAT(tool_map_error(R"({"get_issue": {"tool": "g", "result": "text"}})"), HasSubstr("tools.get_issue: unknown key \"result\""));
  EXPECT_THAT(tool_map_error(R"({"get_issue": "jiraGetIssue"})"), HasSubstr("tools.get_issue must be an object with \"tool\""));
}

}  // namespace
}  // namespace mcph::harness::stack
