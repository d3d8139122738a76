// The modern era (protocol 2026-07-28) beside the legacy one on one endpoint: each rule of a
// self-contained request, its refusals, and that legacy sessions are untouched.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "mcph/mcp/protocol.h"
#include "test_server.h"

namespace mcph::mcp {
namespace {

using nlohmann::json;
using testing::post_headers;
using ::testing::HasSubstr;

json modern_message(const std::string& method, json params = json::object(), const std::string& version = "2026-07-28") {
  params["_meta"][std::string(kMetaProtocolVersion)] = version;
  params["_meta"][std::string(kMetaClientCapabilities)] = json::object();
  return {{"jsonrpc", "2.0"}, {"id", 11}, {"method", method}, {"params", std::move(params)}};
}

// The headers a modern client sends for `message`.
http::Fields modern_headers(const json& message, const std::string& token = "alice-token") {
  http::Fields headers{{"MCP-Protocol-Version", "2026-07-28"}, {"Mcp-Method", message["method"].get<std::string>()}};
  const json& params = message["params"];
  if (params.contains("name")) headers.emplace_back("Mcp-Name", params["name"].get<std::string>());
  if (params.contains("uri")) headers.emplace_back("Mcp-Name", params["uri"].get<std::string>());
  if (!token.empty()) headers.emplace_back("Authorization", "Bearer " + token);
  return headers;
}

void replace_header(http::Fields& headers, const std::string& name, const std::string& value) {
  std::erase_if(headers, [&](const auto& field) { return http::iequals(field.first, name); });
  if (!value.empty()) headers.emplace_back(name, value);
}

class ServerModernTest : public ::testing::Test {
 protected:
  explicit ServerModernTest(testing::TestServerOptions options = with_resources()) : server_(options) {}
  static testing::TestServerOptions with_resources() {
    testing::TestServerOptions options;
    options.authentication = true;
    options.resources = true;
    return options;
  }

  http::ClientResponse post(const json& message, const http::Fields& headers) {
    return client_.post("/mcp", message.dump(), "application/json", post_headers(headers));
  }
  http::ClientResponse post(const json& message) { return post(message, modern_headers(message)); }

  testing::TestServer server_;
  http::Client client_{server_.base_url()};
};

TEST_F(ServerModernTest, DiscoverNamesBothErasWithoutASession) {
  const auto response = post(modern_message("server/discover"));
  ASSERT_EQ(response.status, 200) << response.body;
  EXPECT_EQ(response.header("Mcp-Session-Id"), "");
  const json result = json::parse(response.body)["result"];
  EXPECT_EQ(result["resultType"], "complete");
  EXPECT_EQ(result["supportedVersions"], json::array({"2026-07-28", "2025-11-25", "2025-06-18", "2025-03-26"}));
  EXPECT_TRUE(result["capabilities"].contains("tools"));
  EXPECT_TRUE(result["capabilities"].contains("resources"));
  EXPECT_EQ(result["_meta"][std::string(kMetaServerInfo)]["name"], "mcp-test-server");
  EXPECT_EQ(result["cacheScope"], "public");
  EXPECT_GE(result["ttlMs"].get<int>(), 0);
}

TEST_F(ServerModernTest, ToolCallRunsAsTheTokensCallerWithResultType) {
  const auto response = post(modern_message("tools/call", {{"name", "whoami"}, {"arguments", json::object()}}));
  ASSERT_EQ(response.status, 200) << response.body;
  const json result = json::parse(response.body)["result"];
  EXPECT_EQ(result["resultType"], "complete");
  EXPECT_EQ(result["structuredContent"]["subject"], "alice");
  EXPECT_EQ(result["structuredContent"]["session"], "");
  EXPECT_EQ(result["structuredContent"]["protocol"], "2026-07-28");
  EXPECT_FALSE(result.contains("cacheScope")) << "a tool result is not cacheable";
}

TEST_F(ServerModernTest, EveryRequestIsAuthenticatedOnItsOwn) {
  const json message = modern_message("tools/call", {{"name", "whoami"}});
  ASSERT_EQ(post(message).status, 200);
  // The same client, the same connection, no token: nothing carries the first request's caller.
  const auto anonymous = post(message, modern_headers(message, ""));
  EXPECT_EQ(json::parse(anonymous.body)["result"]["structuredContent"]["subject"], "");
  EXPECT_EQ(post(message, modern_headers(message, "forged-token")).status, 401);
  const auto bob = post(message, modern_headers(message, "bob-token"));
  EXPECT_EQ(json::parse(bob.body)["result"]["structuredContent"]["subject"], "bob");
}

TEST_F(ServerModernTest, PerUserResourcesArePrivateAndOnlyTheirOwners) {
  const auto list = post(modern_message("resources/list"));
  ASSERT_EQ(list.status, 200) << list.body;
  const json listed = json::parse(list.body)["result"];
  EXPECT_EQ(listed["cacheScope"], "private");
  EXPECT_EQ(listed["ttlMs"], 60000);
  EXPECT_EQ(listed["resources"][0]["uri"], "test://alice/profile");
  const json read = modern_message("resources/read", {{"uri", "test://alice/profile"}});
  const json own = json::parse(post(read).body)["result"];
  EXPECT_EQ(own["cacheScope"], "private");
  EXPECT_THAT(own["contents"][0]["text"].get<std::string>(), HasSubstr("alice"));
  const json other = json::parse(post(read, modern_headers(read, "bob-token")).body);
  EXPECT_EQ(other["error"]["code"], jsonrpc::kInvalidParams) << other;
  EXPECT_EQ(other["error"]["data"]["uri"], "test://alice/profile") << other;
}

TEST_F(ServerModernTest, MissingMetaFieldsAreInvalidParams) {
  json message = modern_message("tools/list");
  message["params"]["_meta"].erase(std::string(kMetaClientCapabilities));
  auto response = post(message);
  EXPECT_EQ(response.status, 400);
  EXPECT_EQ(json::parse(response.body)["error"]["code"], jsonrpc::kInvalidParams);
  EXPECT_EQ(json::parse(response.body)["id"], 11);
  message = modern_message("tools/list");
  message["params"]["_meta"].erase(std::string(kMetaProtocolVersion));
  response = post(message, modern_headers(modern_message("tools/list")));
  EXPECT_EQ(response.status, 400);
  EXPECT_EQ(json::parse(response.body)["error"]["code"], jsonrpc::kInvalidParams);
}

TEST_F(ServerModernTest, VersionHeaderMustMatchMeta) {
  const json message = modern_message("tools/list", json::object(), "2025-11-25");
  auto response = post(message, modern_headers(message));  // header 2026-07-28, _meta 2025-11-25
  EXPECT_EQ(response.status, 400);
  EXPECT_EQ(json::parse(response.body)["error"]["code"], jsonrpc::kHeaderMismatch);
  http::Fields headers = modern_headers(modern_message("tools/list"));
  replace_header(headers, "MCP-Protocol-Version", "");
  response = post(modern_message("tools/list"), headers);
  EXPECT_EQ(response.status, 400);
  EXPECT_EQ(json::parse(response.body)["error"]["code"], jsonrpc::kHeaderMismatch);
}

TEST_F(ServerModernTest, UnsupportedVersionNamesWhatIsSupported) {
  const json message = modern_message("tools/list", json::object(), "1900-01-01");
  http::Fields headers = modern_headers(message);
  replace_header(headers, "MCP-Protocol-Version", "1900-01-01");
  const auto response = post(message, headers);
  EXPECT_EQ(response.status, 400);
  const json error = json::parse(response.body)["error"];
  EXPECT_EQ(error["code"], jsonrpc::kUnsupportedProtocolVersion);
  EXPECT_EQ(error["data"]["requested"], "1900-01-01");
  EXPECT_EQ(error["data"]["supported"][0], "2026-07-28");
}

TEST_F(ServerModernTest, MethodHeaderMustMatchTheBody) {
  const json message = modern_message("tools/list");
  http::Fields headers = modern_headers(message);
  replace_header(headers, "Mcp-Method", "resources/list");
  auto response = post(message, headers);
  EXPECT_EQ(response.status, 400);
  EXPECT_EQ(json::parse(response.body)["error"]["code"], jsonrpc::kHeaderMismatch);
  replace_header(headers, "Mcp-Method", "");
  response = post(message, headers);  // _meta alone still makes it modern: the header is missing
  EXPECT_EQ(response.status, 400);
  EXPECT_EQ(json::parse(response.body)["error"]["code"], jsonrpc::kHeaderMismatch);
}

TEST_F(ServerModernTest, NameHeaderMustMatchTheToolAndNothingRuns) {
  const json message = modern_message("tools/call", {{"name", "fails"}, {"arguments", {{"internal", true}}}});
  http::Fields headers = modern_headers(message);
  replace_header(headers, "Mcp-Name", "echo");
  auto response = post(message, headers);
  EXPECT_EQ(response.status, 400);
  EXPECT_EQ(json::parse(response.body)["error"]["code"], jsonrpc::kHeaderMismatch);
  EXPECT_THAT(response.body, Not(HasSubstr("Internal error")));
  replace_header(headers, "Mcp-Name", "");
  EXPECT_EQ(post(message, headers).status, 400);
}

TEST_F(ServerModernTest, NameHeaderMayComeBase64Encoded) {
  const json message = modern_message("tools/call", {{"name", "echo"}, {"arguments", {{"text", "hi"}}}});
  http::Fields headers = modern_headers(message);
  replace_header(headers, "Mcp-Name", "=?base64?ZWNobw==?=");  // "echo"
  EXPECT_EQ(post(message, headers).status, 200);
  replace_header(headers, "Mcp-Name", "=?base64?d2hvYW1p?=");  // "whoami"
  EXPECT_EQ(post(message, headers).status, 400);
}

TEST_F(ServerModernTest, MethodsTheEraDroppedAreNotFound) {
  for (const std::string method : {"ping", "logging/setLevel", "resources/subscribe"}) {
    const auto response = post(modern_message(method));
    EXPECT_EQ(response.status, 404) << method;
    EXPECT_EQ(json::parse(response.body)["error"]["code"], jsonrpc::kMethodNotFound) << method;
  }
}

TEST_F(ServerModernTest, AModernInitializeIsNotFoundALegacyOneOpensASession) {
  // _meta's version and no params.protocolVersion: a modern request, for a method the era dropped.
  const json modern = modern_message("initialize");
  auto response = post(modern);
  EXPECT_EQ(response.status, 404) << response.body;
  EXPECT_EQ(json::parse(response.body)["error"]["code"], jsonrpc::kMethodNotFound);
  EXPECT_EQ(json::parse(response.body)["id"], 11);
  EXPECT_EQ(response.header("Mcp-Session-Id"), "");
  // The legacy opening, even with the modern era's headers, still opens a session.
  json legacy = modern_message("initialize", {{"protocolVersion", "2025-11-25"},
                                              {"capabilities", json::object()},
                                              {"clientInfo", {{"name", "t"}, {"version", "1"}}}});
  legacy["params"].erase("_meta");
  response = post(legacy);
  ASSERT_EQ(response.status, 200) << response.body;
  EXPECT_NE(response.header("Mcp-Session-Id"), "");
  EXPECT_EQ(json::parse(response.body)["result"]["protocolVersion"], "2025-11-25");
}

TEST_F(ServerModernTest, NoLogMessagesWithoutALogLevel) {
  const auto quiet = post(modern_message("tools/call", {{"name", "steps"}}));
  EXPECT_THAT(quiet.body, Not(HasSubstr("notifications/message")));
  json message = modern_message("tools/call", {{"name", "steps"}});
  message["params"]["_meta"]["io.modelcontextprotocol/logLevel"] = "error";
  const auto loud = post(message);
  EXPECT_THAT(loud.body, HasSubstr("error message"));
  EXPECT_THAT(loud.body, Not(HasSubstr("info message")));
}

TEST_F(ServerModernTest, LegacySessionsStillWorkBeside) {
  const std::string session = testing::open_session(client_, "2025-11-25", {{"Authorization", "Bearer alice-token"}});
  ASSERT_FALSE(session.empty());
  const json list{{"jsonrpc", "2.0"}, {"id", 2}, {"method", "tools/list"}};
  const auto response = post(list, {{"Mcp-Session-Id", session}, {"Authorization", "Bearer alice-token"}});
  ASSERT_EQ(response.status, 200) << response.body;
  EXPECT_FALSE(json::parse(response.body)["result"].contains("resultType"));
  // A plain request without a session is still the legacy era's refusal.
  EXPECT_EQ(post(list, {{"Authorization", "Bearer alice-token"}}).status, 400);
}

class ServerModernSabotageTest : public ServerModernTest {
 protected:
  static testing::TestServerOptions sabotaged() {
    testing::TestServerOptions options = with_resources();
    options.unsafe_public_cache_scope = true;
    options.unsafe_authorize_on_header = true;
    options.unsafe_version_from_header = true;
    return options;
  }
  ServerModernSabotageTest() : ServerModernTest(sabotaged()) {}
};

TEST_F(ServerModernSabotageTest, EachSwitchLetsItsDefectThrough) {
  EXPECT_EQ(json::parse(post(modern_message("resources/list")).body)["result"]["cacheScope"], "public");
  const json call = modern_message("tools/call", {{"name", "whoami"}});
  http::Fields headers = modern_headers(call);
  replace_header(headers, "Mcp-Name", "echo");
  EXPECT_EQ(post(call, headers).status, 200);
  const json old = modern_message("tools/list", json::object(), "1900-01-01");
  EXPECT_EQ(post(old, modern_headers(old)).status, 200);
}

}  // namespace
}  // namespace mcph::mcp
