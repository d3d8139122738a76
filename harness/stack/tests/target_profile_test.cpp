#include "mcph/harness/stack/target_profile.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <stdexcept>

namespace mcph::harness {
namespace {

using ::testing::HasSubstr;

// An MCP server's entry as a stack file writes it: its URL and these keys.
ServiceEntry entry(const std::map<std::string, std::string>& keys) {
  std::string json = R"({"url": "http://127.0.0.1:3001/sse")";
  for (const auto& [key, value] : keys) {
    // "failures" is written as the JSON object it is; the rest as text.
    json += ", \"" + key + "\": " + (key == "failures" ? value : "\"" + value + "\"");
  }
  return parse_service_entry(json + "}", "services.jira-mcp");
}

std::string error_of(const ServiceEntry& service) {
  try {
    (void)target_profile(service, "jira-mcp");
  } catch (const std::runtime_error& e) {
    return e.what();
  }
  return "(no error)";
}

TEST(TargetProfileTest, AnEntryWithoutAProfileIsAReferenceServer) {
  const TargetProfile profile = target_profile(entry({}), "jira-mcp");
  EXPECT_EQ(profile.name, "reference");
  EXPECT_EQ(profile.transport, "streamable-http");
  EXPECT_EQ(profile.correlation, "traceparent");
  EXPECT_EQ(profile.result_rows, "auto");
  EXPECT_EQ(profile.probe, "initialize");
  EXPECT_EQ(profile.vault_login, "exchanged");
  ASSERT_TRUE(profile.failures.count("missing_credential"));
}

TEST(TargetProfileTest, TheDemoProfileSpeaksLegacySseAndIsMatchedByTime) {
  const TargetProfile profile = target_profile(entry({{"profile", "demo-python"}}), "jira-mcp");
  EXPECT_EQ(profile.transport, "legacy-sse-post");
  EXPECT_EQ(profile.correlation, "window");
  EXPECT_EQ(profile.probe, "tools/list");  // its POST /sse answers initialize with "Unknown method"
  EXPECT_EQ(profile.vault_login, "caller_token");
  EXPECT_THAT(profile.failures.at("missing_credential").front(), HasSubstr("Secret not found"));
}

TEST(TargetProfileTest, TheEntrysOwnKeysOverrideTheProfile) {
  const TargetProfile profile =
      target_profile(entry({{"profile", "demo-python"}, {"transport", "streamable-http"}, {"correlation", "traceparent"},
                            {"result_rows", "/data/items"}, {"probe", "initialize"}, {"vault_login", "exchanged"},
                            {"failures", R"({"missing_credential": ["no secret for ${user}"]})"}}),
                     "jira-mcp");
  EXPECT_EQ(profile.name, "demo-python");
  EXPECT_EQ(profile.transport, "streamable-http");
  EXPECT_EQ(profile.correlation, "traceparent");
  EXPECT_EQ(profile.result_rows, "/data/items");
  EXPECT_EQ(profile.probe, "initialize");
  EXPECT_EQ(profile.vault_login, "exchanged");
  EXPECT_EQ(profile.failures.at("missing_credential"), std::vector<std::string>{"no secret for ${user}"});
}

TEST(TargetProfileTest, SseIsATransport) {
  EXPECT_TRUE(is_transport("sse"));
  EXPECT_EQ(target_profile(entry({{"transport", "sse"}}), "jira-mcp").transport, "sse");
}

TEST(TargetProfileTest, BadValuesAreErrorsNamingTheKey) {
  EXPECT_THAT(error_of(entry({{"profile", "java"}})), HasSubstr("services.jira-mcp.profile: no profile \"java\" (built in: reference, demo-python, agent-bridge)"));
  EXPECT_THAT(error_of(entry({{"transport", "websocket"}})),
              HasSubstr("services.jira-mcp.transport must be one of streamable-http, sse, legacy-sse-post"));
  EXPECT_THAT(error_of(entry({{"correlation", "guess"}})), HasSubstr("services.jira-mcp.correlation"));
  EXPECT_THAT(error_of(entry({{"result_rows", "rows"}})), HasSubstr("services.jira-mcp.result_rows"));
  EXPECT_THAT(error_of(entry({{"probe", "ping"}})), HasSubstr("services.jira-mcp.probe must be \"initialize\" or \"tools/list\""));
  EXPECT_THAT(error_of(entry({{"vault_login", "passthrough"}})),
              HasSubstr("services.jira-mcp.vault_login must be \"exchanged\" or \"caller_token\""));
  EXPECT_THAT(error_of(entry({{"failures", R"(["no secret"])"}})), HasSubstr("services.jira-mcp.failures"));
  EXPECT_THAT(error_of(entry({{"failures", R"({"missing_credential": [""]})"}})), HasSubstr("services.jira-mcp.failures"));
  EXPECT_THAT(error_of(entry({{"dependency_timeout_ms", "soon"}})), HasSubstr("services.jira-mcp.dependency_timeout_ms"));
  EXPECT_THAT(error_of(entry({{"dependency_timeout_ms", "0"}})), HasSubstr("services.jira-mcp.dependency_timeout_ms"));
  EXPECT_THAT(error_of(entry({{"dependency_timeout_ms", "-5"}})), HasSubstr("services.jira-mcp.dependency_timeout_ms"));
}

// A kind the server has no stable words for is an empty list; the timeout a number of ms.
TEST(TargetProfileTest, AKindWithoutWordsAndTheDependencyTimeout) {
  const TargetProfile demo = target_profile(entry({{"profile", "demo-python"}}), "jira-mcp");
  EXPECT_TRUE(demo.failures.at("vault_unavailable").empty());
  EXPECT_EQ(demo.dependency_timeout_ms, 5000);  // httpx's default
  EXPECT_EQ(target_profile(entry({}), "jira-mcp").dependency_timeout_ms, 3000);
  const TargetProfile own = target_profile(
      entry({{"failures", R"({"vault_unavailable": [], "missing_credential": ["none for ${user}"]})"}, {"dependency_timeout_ms", "10000"}}),
      "jira-mcp");
  EXPECT_TRUE(own.failures.at("vault_unavailable").empty());
  EXPECT_EQ(own.failures.at("missing_credential"), std::vector<std::string>{"none for ${user}"});
  EXPECT_EQ(own.failures.at("backend_error"), std::vector<std::string>{"backend_error: "});  // not overridden: the profile's
  EXPECT_EQ(own.dependency_timeout_ms, 10000);
}

TEST(TargetProfileTest, TheStackFileRejectsAnUnknownProfileWhenLoaded) {
  EXPECT_THROW(StackFile::parse(R"({"services": {"jira-mcp": {"url": "http://h/sse", "profile": "nodejs"}}})"),
               std::runtime_error);
  const StackFile stack = StackFile::parse(
      R"({"services": {"jira-mcp": {"url": "http://h/sse", "profile": "demo-python", "correlation": "traceparent"}}})");
  EXPECT_EQ(target_profile(stack.service("jira-mcp"), "jira-mcp").correlation, "traceparent");
}

// The provisioner binds the callers' audience in Vault's role for these (provision.h).
TEST(TargetProfileTest, CallerTokenServersAreTheMcpServersWhoseProfileSaysSo) {
  const StackFile stack = StackFile::parse(R"({"services": {
      "vault": {"url": "http://h:1", "vault_login": "caller_token"},
      "jira-mcp": {"url": "http://h:2/sse", "profile": "demo-python"},
      "github-mcp": {"url": "http://h:3/mcp"},
      "postgres-mcp": {"url": "http://h:4/mcp", "vault_login": "caller_token"}}})");
  EXPECT_EQ(caller_token_servers(stack), (std::vector<std::string>{"jira-mcp", "postgres-mcp"}));
  EXPECT_TRUE(caller_token_servers(StackFile::parse(R"({"services": {"jira-mcp": {"url": "http://h:2/mcp"}}})")).empty());
}

}  // namespace
}  // namespace mcph::harness
