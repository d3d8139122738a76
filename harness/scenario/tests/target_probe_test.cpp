// The probe's readings that need no server: the challenge's parts and the tool map guessed from
// tools' names and input schemas (the probe against real servers: scenarios/tests/probe_test.cpp).
#include <gtest/gtest.h>

#include "target_probe_parts.h"
#include "tool_map_guess.h"

namespace mcph::harness::scenario {
namespace {

using Json = nlohmann::json;

TEST(ProbeChallenge, ReadsTheSchemeAndParameters) {
  const ProbedChallenge c = read_challenge(
      R"(Bearer realm="mcp", error="invalid_token", resource_metadata="http://127.0.0.1:9/.well-known/oauth-protected-resource/mcp", scope="read write")");
  EXPECT_EQ(c.scheme, "Bearer");
  EXPECT_FALSE(c.dpop);
  EXPECT_TRUE(c.well_formed);
  EXPECT_EQ(c.realm, "mcp");
  EXPECT_EQ(c.error, "invalid_token");
  EXPECT_EQ(c.scope, "read write");
  EXPECT_EQ(c.resource_metadata, "http://127.0.0.1:9/.well-known/oauth-protected-resource/mcp");
}

TEST(ProbeChallenge, TellsDpopFirstOrSecond) {
  EXPECT_TRUE(read_challenge(R"(DPoP algs="ES256")").dpop);
  EXPECT_TRUE(read_challenge(R"(Bearer realm="x", DPoP algs="ES256")").dpop);
  EXPECT_FALSE(read_challenge(R"(Bearer realm="DPoP-less")").dpop);
}

ProbedTool tool(const std::string& name, Json properties, Json required = Json::array()) {
  return {name, {{"type", "object"}, {"properties", properties}, {"required", required}}};
}

TEST(ToolMapGuess, PicksTheSecretToolsAndTheirArguments) {
  const std::vector<ProbedTool> tools = {
      tool("get_issue", {{"key", {{"type", "string"}}}}),
      tool("get_secret", {{"name", {{"type", "string"}}}}),
      tool("put_secret", {{"name", {{"type", "string"}}}, {"data", {{"type", "object"}}}}),
      tool("listSecrets", {{"prefix", {{"type", "string"}}}}),
      tool("delete_secret", {{"name", {{"type", "string"}}}}),
  };
  const Json map = guess_tool_map(tools);
  EXPECT_EQ(map["read"], (Json{{"tool", "get_secret"}, {"args", {{"secret", "name"}}}}));
  EXPECT_EQ(map["write"], (Json{{"tool", "put_secret"}, {"args", {{"secret", "name"}, {"data", "data"}}}}));
  EXPECT_EQ(map["list"], (Json{{"tool", "listSecrets"}, {"args", {{"prefix", "prefix"}}}}));
  EXPECT_EQ(map["delete"], (Json{{"tool", "delete_secret"}, {"args", {{"secret", "name"}}}}));
}

TEST(ToolMapGuess, TakesTheOneRequiredStringForASecretsUnusualName) {
  const Json map = guess_tool_map({tool("fetch_secret", {{"secret_ref", {{"type", "string"}}}}, {"secret_ref"})});
  EXPECT_EQ(map["read"]["args"]["secret"], "secret_ref");
  EXPECT_FALSE(map.contains("write"));
}

TEST(ToolMapGuess, NothingToGuessIsNull) {
  EXPECT_TRUE(guess_tool_map({tool("search_issues", {{"jql", {{"type", "string"}}}})}).is_null());
  EXPECT_TRUE(guess_tool_map({}).is_null());
}

}  // namespace
}  // namespace mcph::harness::scenario
