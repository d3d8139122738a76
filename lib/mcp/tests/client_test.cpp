// mcp::Client against mcp::Server, on both transports.
#include "mcph/mcp/client.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "test_server.h"

namespace mcph::mcp {
namespace {

using nlohmann::json;
using ::testing::ElementsAre;
using ::testing::HasSubstr;

class ClientTest : public ::testing::Test {
 protected:
  ClientTest() : server_(options()) {}
  static testing::TestServerOptions options() {
    testing::TestServerOptions o;
    o.authentication = true;
    return o;
  }
  testing::TestServer server_;
};

TEST_F(ClientTest, ConnectNegotiatesAndKeepsTheSession) {
  Client client(server_.endpoint());
  const RpcOutcome init = client.connect();
  ASSERT_TRUE(init.ok()) << init.body;
  EXPECT_EQ(client.protocol_version(), "2025-11-25");
  EXPECT_EQ(client.session_id().size(), 32u);
  EXPECT_TRUE(client.ping().ok());
}

TEST_F(ClientTest, AskedForAnOlderVersionItKeepsThatOne) {
  ClientOptions options;
  options.protocol_version = "2025-03-26";
  Client client(server_.endpoint(), options);
  ASSERT_TRUE(client.connect().ok());
  EXPECT_EQ(client.protocol_version(), "2025-03-26");
  EXPECT_EQ(client.request("tools/list").http_status, 200);
}

TEST_F(ClientTest, ListsAndCallsTools) {
  Client client(server_.endpoint());
  client.connect();
  const auto tools = client.list_tools();
  ASSERT_EQ(tools.size(), 5u);
  EXPECT_EQ(tools[0].name, "echo");
  EXPECT_EQ(json::parse(tools[0].input_schema)["required"], json::array({"text"}));
  const ToolCallOutcome echoed = client.call_tool("echo", R"({"text":"hi","count":2})");
  EXPECT_TRUE(echoed.ok());
  EXPECT_EQ(echoed.text(), "hihi");
  const ToolCallOutcome bad = client.call_tool("echo", "{}");
  EXPECT_TRUE(bad.rpc.ok());
  EXPECT_TRUE(bad.is_error);
  EXPECT_THAT(bad.text(), HasSubstr("missing required property 'text'"));
  const ToolCallOutcome unknown = client.call_tool("nope");
  ASSERT_TRUE(unknown.rpc.error.has_value());
  EXPECT_EQ(unknown.rpc.error->code, jsonrpc::kInvalidParams);
  EXPECT_THROW(client.call_tool("echo", "[1]"), std::invalid_argument);
}

TEST_F(ClientTest, CollectsNotificationsFromAnEventStream) {
  Client client(server_.endpoint());
  client.connect();
  const ToolCallOutcome outcome = client.call_tool("steps", "{}", {}, "p-1");
  EXPECT_TRUE(outcome.ok());
  EXPECT_EQ(outcome.text(), "with token");
  EXPECT_THAT(outcome.rpc.content_type, HasSubstr("text/event-stream"));
  const auto progress = outcome.rpc.notifications_named("notifications/progress");
  ASSERT_EQ(progress.size(), 3u);
  EXPECT_EQ(json::parse(progress[2])["params"]["progress"], 3);
  ASSERT_TRUE(client.set_log_level(LogLevel::error).ok());
  EXPECT_EQ(client.call_tool("steps", "{}", {}, "p-2").rpc.notifications_named("notifications/message").size(), 1u);
}

TEST_F(ClientTest, StructuredContentIsExposed) {
  Client client(server_.endpoint());
  client.set_header("Authorization", "Bearer bob-token");
  client.connect();
  const ToolCallOutcome outcome = client.call_tool("whoami");
  EXPECT_EQ(json::parse(outcome.structured_content)["subject"], "bob");
}

TEST_F(ClientTest, PerRequestHeadersOverridePersistentOnes) {
  Client client(server_.endpoint());
  client.set_header("Authorization", "Bearer alice-token");
  ASSERT_TRUE(client.connect().ok());
  const RpcOutcome refused = client.ping({{"Authorization", "Bearer forged"}});
  EXPECT_EQ(refused.http_status, 401);
  EXPECT_EQ(refused.header("WWW-Authenticate"), R"(Bearer realm="mcp", error="invalid_token")");
  ASSERT_TRUE(refused.error.has_value());
  EXPECT_EQ(refused.error->message, "invalid token");
  EXPECT_EQ(client.ping({{"Authorization", "Bearer limited"}}).header("Retry-After"), "7");
  EXPECT_TRUE(client.ping().ok());
}

TEST_F(ClientTest, ErrorPathsAreVisible) {
  Client client(server_.endpoint());
  client.connect();
  EXPECT_EQ(client.ping({{"Mcp-Session-Id", ""}}).http_status, 400);  // header left out
  EXPECT_EQ(client.ping({{"MCP-Protocol-Version", "1999-01-01"}}).http_status, 400);
  const RpcOutcome malformed = client.post_raw("{oops");
  EXPECT_EQ(malformed.http_status, 400);
  ASSERT_TRUE(malformed.error.has_value());
  EXPECT_EQ(malformed.error->code, jsonrpc::kParseError);
  EXPECT_EQ(client.notify("notifications/initialized").http_status, 202);
  EXPECT_EQ(client.raw("GET").status, 405);
}

TEST_F(ClientTest, EndSessionForgetsItAndTheServerToo) {
  Client client(server_.endpoint());
  client.connect();
  const std::string old_session = client.session_id();
  EXPECT_EQ(client.end_session().http_status, 200);
  EXPECT_EQ(client.session_id(), "");
  client.set_session_id(old_session);
  EXPECT_EQ(client.ping().http_status, 404);
  EXPECT_EQ(server_.mcp().session_count(), 0u);
}

TEST_F(ClientTest, LegacyTransportSpeaksPlainJsonRpcOnSse) {
  ClientOptions options;
  options.transport = Transport::legacy_sse_post;
  Client client(server_.base_url() + "/sse", options);
  client.set_header("Authorization", "Bearer alice-token");
  EXPECT_EQ(client.connect().http_status, 0);  // nothing to do
  EXPECT_EQ(client.session_id(), "");
  const auto tools = client.list_tools();
  EXPECT_EQ(tools.size(), 5u);
  const ToolCallOutcome who = client.call_tool("whoami");
  EXPECT_EQ(who.rpc.http_status, 200);
  EXPECT_EQ(json::parse(who.structured_content)["subject"], "alice");
  EXPECT_EQ(json::parse(who.structured_content)["session"], "");
  const ToolCallOutcome unknown = client.call_tool("nope");
  EXPECT_EQ(unknown.rpc.http_status, 400);
  ASSERT_TRUE(unknown.rpc.error.has_value());
  EXPECT_THAT(unknown.rpc.error->message, HasSubstr("Unknown tool"));
  EXPECT_EQ(client.ping({{"Authorization", "Bearer forged"}}).http_status, 401);
}

// The demo's servers answer only tools/list and tools/call on POST /sse; anything else, even
// initialize, is 400 "Unknown method" (foreign-mcp copies it, to hold the suites to it).
TEST(LegacyMethods, OnlyTheNamedMethodsAreAnsweredTheRestIsAnUnknownMethod) {
  testing::TestServerOptions only;
  only.authentication = true;
  only.legacy_methods = {"tools/list", "tools/call"};
  testing::TestServer server(only);
  ClientOptions options;
  options.transport = Transport::legacy_sse_post;
  Client client(server.base_url() + "/sse", options);
  client.set_header("Authorization", "Bearer alice-token");
  EXPECT_EQ(client.list_tools().size(), 5u);
  EXPECT_EQ(client.call_tool("whoami").rpc.http_status, 200);
  const RpcOutcome init = client.request("initialize", R"({"protocolVersion":"2025-06-18","capabilities":{},"clientInfo":{"name":"t","version":"1"}})");
  EXPECT_EQ(init.http_status, 400);
  ASSERT_TRUE(init.error.has_value());
  EXPECT_EQ(init.error->code, -32601);
  EXPECT_EQ(init.error->message, "Unknown method: initialize");
  EXPECT_EQ(client.ping({{"Authorization", "Bearer forged"}}).http_status, 401);  // authentication first
  testing::TestServer every;  // without the list, the legacy path answers every method
  Client plain(every.base_url() + "/sse", options);
  EXPECT_EQ(plain.request("initialize", R"({"protocolVersion":"2025-06-18","capabilities":{},"clientInfo":{"name":"t","version":"1"}})").http_status, 200);
}

TEST_F(ClientTest, TransportNamesMatchTheStackFile) {
  EXPECT_EQ(parse_transport("streamable-http"), Transport::streamable_http);
  EXPECT_EQ(parse_transport("legacy-sse-post"), Transport::legacy_sse_post);
  EXPECT_EQ(parse_transport("sse"), Transport::sse);
  EXPECT_EQ(to_string(Transport::sse), "sse");
  EXPECT_EQ(to_string(Transport::legacy_sse_post), "legacy-sse-post");
  EXPECT_THROW(parse_transport("stdio"), std::invalid_argument);
}

TEST(ClientTransportError, RefusedConnectionThrows) {
  http::ClientOptions http;
  http.connect_timeout = std::chrono::milliseconds(500);
  ClientOptions options;
  options.http = http;
  Client client("http://127.0.0.1:1/mcp", options);
  EXPECT_THROW(client.connect(), http::TransportError);
}

}  // namespace
}  // namespace mcph::mcp

namespace mcph::mcp {
namespace {

// A hand-written server, to put on the wire what mcp::Server never sends.
class FakeServerTest : public ::testing::Test {
 protected:
  void SetUp() override {
    http::ServerOptions options;
    options.access_log = false;
    http_ = std::make_unique<http::Server>(options);
    http_->route("POST", "/mcp", [](const http::Request& req, http::Response& res) {
      const json message = json::parse(req.body);
      const std::string method = message.value("method", "");
      if (method == "tools/list") {
        const bool second = message.contains("params") && message["params"].value("cursor", "") == "page-2";
        json result{{"tools", json::array({{{"name", second ? "b" : "a"}, {"inputSchema", {{"type", "object"}}}}})}};
        if (!second) result["nextCursor"] = "page-2";
        res.set_json(200, json{{"jsonrpc", "2.0"}, {"id", message["id"]}, {"result", result}}.dump());
        return;
      }
      // An SSE body with a priming event, a server request, a notification and a response
      // to some other id before the one that answers this request.
      std::string body = "id: prime-1\nretry: 100\ndata: \n\n";
      body += "event: message\ndata: {\"jsonrpc\":\"2.0\",\"id\":\"srv-1\",\"method\":\"roots/list\"}\n\n";
      body += "event: message\ndata: {\"jsonrpc\":\"2.0\",\"method\":\"notifications/message\",\"params\":{}}\n\n";
      body += "data: {\"jsonrpc\":\"2.0\",\"id\":999,\"result\":{\"wrong\":true}}\n\n";
      body += "data: " + json{{"jsonrpc", "2.0"}, {"id", message["id"]}, {"result", {{"right", true}}}}.dump() + "\n\n";
      res.status = 200;
      res.body = body;
      res.content_type = "text/event-stream";
    });
    http_->start();
  }
  std::unique_ptr<http::Server> http_;
};

TEST_F(FakeServerTest, ListToolsFollowsNextCursor) {
  Client client(http_->url() + "/mcp");
  const auto tools = client.list_tools();
  ASSERT_EQ(tools.size(), 2u);
  EXPECT_EQ(tools[0].name, "a");
  EXPECT_EQ(tools[1].name, "b");
}

TEST_F(FakeServerTest, TakesTheResponseToItsOwnIdFromTheStream) {
  Client client(http_->url() + "/mcp");
  const RpcOutcome outcome = client.request("custom/thing");
  ASSERT_TRUE(outcome.ok());
  EXPECT_EQ(json::parse(*outcome.result), json::parse(R"({"right":true})"));
  ASSERT_EQ(outcome.notifications.size(), 2u);  // the server request and the notification
  EXPECT_EQ(json::parse(outcome.notifications[0])["method"], "roots/list");
}

}  // namespace
}  // namespace mcph::mcp
