// The HTTP side of the transport: JSON or SSE answers, Accept and Content-Type, Host/Origin
// checks, the protocol-version header, GET, progress and logging notifications, and the
// authentication hook.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <atomic>
#include <memory>
#include <nlohmann/json.hpp>

#include "mcph/http/url.h"
#include "mcph/mcp/protocol.h"
#include "mcph/mcp/sse.h"
#include "test_server.h"

namespace mcph::mcp {
namespace {

using nlohmann::json;
using testing::open_session;
using testing::post_headers;
using ::testing::HasSubstr;
using ::testing::StartsWith;

const std::string kCallSteps =
    R"({"jsonrpc":"2.0","id":11,"method":"tools/call","params":{"name":"steps","_meta":{"progressToken":"tok-1"}}})";
const std::string kPing = R"({"jsonrpc":"2.0","id":1,"method":"ping"})";

class ServerTransportTest : public ::testing::Test {
 protected:
  testing::TestServer server_;
  http::Client client_{server_.base_url()};
  std::string session_ = open_session(client_);

  http::ClientResponse post(const std::string& body, http::Fields headers) {
    headers.emplace_back("Mcp-Session-Id", session_);
    return client_.post("/mcp", body, "application/json", headers);
  }
  static std::vector<json> sse_messages(const std::string& body) {
    std::vector<json> messages;
    for (const auto& event : parse_sse(body)) {
      EXPECT_EQ(event.event, "message");
      messages.push_back(json::parse(event.data));
    }
    return messages;
  }
};

TEST_F(ServerTransportTest, PlainResponsesAreJsonWhenAccepted) {
  auto response = post(kPing, post_headers());
  EXPECT_EQ(response.status, 200);
  EXPECT_THAT(response.header("Content-Type"), StartsWith("application/json"));
  EXPECT_EQ(json::parse(response.body)["result"], json::object());
}

TEST_F(ServerTransportTest, SseOnlyClientsGetAnEventStream) {
  auto response = post(kPing, {{"Accept", "text/event-stream"}});
  EXPECT_EQ(response.status, 200);
  EXPECT_THAT(response.header("Content-Type"), StartsWith("text/event-stream"));
  const auto messages = sse_messages(response.body);
  ASSERT_EQ(messages.size(), 1u);
  EXPECT_EQ(messages[0]["id"], 1);
  EXPECT_EQ(messages[0]["result"], json::object());
}

TEST_F(ServerTransportTest, ProgressAndLogNotificationsPrecedeTheResponseInOneStream) {
  auto response = post(kCallSteps, post_headers());
  ASSERT_EQ(response.status, 200);
  EXPECT_THAT(response.header("Content-Type"), StartsWith("text/event-stream"));
  const auto messages = sse_messages(response.body);
  ASSERT_EQ(messages.size(), 7u);  // 3 progress, 3 log messages (default level debug), response
  for (int i = 0; i < 3; ++i) {
    EXPECT_EQ(messages[i]["method"], "notifications/progress");
    EXPECT_FALSE(messages[i].contains("id"));
    EXPECT_EQ(messages[i]["params"]["progressToken"], "tok-1");
    EXPECT_EQ(messages[i]["params"]["progress"], i + 1);
    EXPECT_EQ(messages[i]["params"]["total"], 3);
    EXPECT_EQ(messages[i]["params"]["message"], "step " + std::to_string(i + 1));
  }
  EXPECT_EQ(messages[3]["method"], "notifications/message");
  EXPECT_EQ(messages[3]["params"], json::parse(R"({"level":"debug","logger":"steps","data":"debug message"})"));
  EXPECT_EQ(messages[5]["params"]["level"], "error");
  EXPECT_EQ(messages[6]["id"], 11);
  EXPECT_EQ(messages[6]["result"]["content"][0]["text"], "with token");
}

TEST_F(ServerTransportTest, NoProgressWithoutAProgressToken) {
  auto response = post(R"({"jsonrpc":"2.0","id":2,"method":"tools/call","params":{"name":"steps"}})", post_headers());
  for (const auto& message : sse_messages(response.body)) {
    EXPECT_NE(message.value("method", ""), "notifications/progress");
  }
}

TEST_F(ServerTransportTest, IntegerProgressTokensAreEchoed) {
  auto response = post(
      R"({"jsonrpc":"2.0","id":2,"method":"tools/call","params":{"name":"steps","_meta":{"progressToken":42}}})",
      post_headers());
  EXPECT_EQ(sse_messages(response.body).front()["params"]["progressToken"], 42);
}

TEST_F(ServerTransportTest, LogMessagesBelowTheSessionLevelAreDropped) {
  post(R"({"jsonrpc":"2.0","id":1,"method":"logging/setLevel","params":{"level":"warning"}})", post_headers());
  const auto messages = sse_messages(post(kCallSteps, post_headers()).body);
  std::vector<std::string> levels;
  for (const auto& message : messages) {
    if (message.value("method", "") == "notifications/message") levels.push_back(message["params"]["level"]);
  }
  EXPECT_EQ(levels, std::vector<std::string>{"error"});
}

TEST_F(ServerTransportTest, JsonOnlyClientsGetJsonAndNoNotifications) {
  auto response = post(kCallSteps, {{"Accept", "application/json"}});
  EXPECT_THAT(response.header("Content-Type"), StartsWith("application/json"));
  EXPECT_EQ(json::parse(response.body)["result"]["content"][0]["text"], "with token");
}

TEST_F(ServerTransportTest, UnacceptableAcceptIs406AndWildcardsWork) {
  EXPECT_EQ(post(kPing, {{"Accept", "text/html"}}).status, 406);
  EXPECT_EQ(post(kPing, {{"Accept", "application/json;q=0, text/event-stream;q=0"}}).status, 406);
  EXPECT_EQ(post(kPing, {{"Accept", "*/*"}}).status, 200);
  EXPECT_EQ(post(kPing, {}).status, 200);  // no Accept at all: anything goes
}

TEST_F(ServerTransportTest, NonJsonContentTypeIs415) {
  http::Fields headers = post_headers({{"Mcp-Session-Id", session_}});
  EXPECT_EQ(client_.post("/mcp", kPing, "text/plain", headers).status, 415);
  EXPECT_EQ(client_.post("/mcp", kPing, "application/json; charset=utf-8", headers).status, 200);
}

TEST_F(ServerTransportTest, ForeignOriginIs403) {
  auto response = post(kPing, post_headers({{"Origin", "http://evil.example.com"}}));
  EXPECT_EQ(response.status, 403);
  const json body = json::parse(response.body);
  EXPECT_EQ(body["id"], nullptr);
  EXPECT_TRUE(body.contains("error"));
  EXPECT_EQ(post(kPing, post_headers({{"Origin", "null"}})).status, 403);
  EXPECT_EQ(post(kPing, post_headers({{"Origin", "http://localhost.evil.com:80"}})).status, 403);
}

TEST_F(ServerTransportTest, ForeignOriginIsRefusedBeforeInitialize) {
  auto response = client_.post(
      "/mcp", R"({"jsonrpc":"2.0","id":1,"method":"initialize","params":{"protocolVersion":"2025-11-25"}})",
      "application/json", post_headers({{"Host", "evil.example.com"}, {"Origin", "http://evil.example.com"}}));
  EXPECT_EQ(response.status, 403);
  EXPECT_EQ(response.header("Mcp-Session-Id"), "");
}

TEST_F(ServerTransportTest, ForeignHostIs403) {
  EXPECT_EQ(post(kPing, post_headers({{"Host", "evil.example.com:1234"}})).status, 403);
}

TEST_F(ServerTransportTest, LocalOriginsAreAccepted) {
  const std::string port = std::to_string(http::parse_url(server_.base_url()).port);
  for (const std::string& origin : std::vector<std::string>{"http://127.0.0.1:" + port, "http://localhost:" + port,
                                                            "https://[::1]"}) {
    EXPECT_EQ(post(kPing, post_headers({{"Origin", origin}})).status, 200) << origin;
  }
}

TEST_F(ServerTransportTest, UnsupportedProtocolVersionHeaderIs400) {
  auto response = post(kPing, post_headers({{"MCP-Protocol-Version", "2024-11-05"}}));
  EXPECT_EQ(response.status, 400);
  EXPECT_THAT(response.body, HasSubstr("Unsupported protocol version"));
  EXPECT_EQ(post(kPing, post_headers({{"MCP-Protocol-Version", "garbage"}})).status, 400);
}

TEST_F(ServerTransportTest, ProtocolVersionHeaderMustMatchTheNegotiatedOne) {
  EXPECT_EQ(post(kPing, post_headers({{"MCP-Protocol-Version", "2025-06-18"}})).status, 200);
  EXPECT_EQ(post(kPing, post_headers({{"MCP-Protocol-Version", "2025-11-25"}})).status, 400);
}

TEST_F(ServerTransportTest, GetIs405) {
  auto response = client_.get("/mcp", {{"Accept", "text/event-stream"}, {"Mcp-Session-Id", session_}});
  EXPECT_EQ(response.status, 405);
  EXPECT_THAT(response.header("Allow"), HasSubstr("POST"));
}

class AuthenticatedServerTest : public ::testing::Test {
 protected:
  AuthenticatedServerTest() : server_(options()) {}
  static testing::TestServerOptions options() {
    testing::TestServerOptions o;
    o.authentication = true;
    return o;
  }
  testing::TestServer server_;
  http::Client client_{server_.base_url()};
};

TEST_F(AuthenticatedServerTest, RejectionStatusHeadersAndJsonRpcBodyPassThrough) {
  auto response = client_.post("/mcp", kPing, "application/json", post_headers({{"Authorization", "Bearer forged"}}));
  EXPECT_EQ(response.status, 401);
  EXPECT_EQ(response.header("WWW-Authenticate"), R"(Bearer realm="mcp", error="invalid_token")");
  const json body = json::parse(response.body);
  EXPECT_EQ(body["jsonrpc"], "2.0");
  EXPECT_EQ(body["error"]["message"], "invalid token");
  EXPECT_EQ(body["id"], nullptr);
}

TEST_F(AuthenticatedServerTest, RateLimitIs429WithRetryAfter) {
  auto response = client_.post("/mcp", kPing, "application/json", post_headers({{"Authorization", "Bearer limited"}}));
  EXPECT_EQ(response.status, 429);
  EXPECT_EQ(response.header("Retry-After"), "7");
  EXPECT_EQ(json::parse(response.body)["error"]["message"], "rate limit exceeded");
}

TEST_F(AuthenticatedServerTest, AnAuthenticatorsOwnBodyIsSentAsIs) {
  auto response = client_.post("/mcp", kPing, "application/json", post_headers({{"Authorization", "Bearer custom-body"}}));
  EXPECT_EQ(response.status, 401);
  EXPECT_EQ(json::parse(response.body)["error"], "invalid_token");
}

TEST_F(AuthenticatedServerTest, AuthenticationAppliesToDeleteAndGet) {
  EXPECT_EQ(client_.request("DELETE", "/mcp", {{"Authorization", "Bearer forged"}, {"Mcp-Session-Id", "x"}}).status, 401);
  EXPECT_EQ(client_.get("/mcp", {{"Authorization", "Bearer forged"}}).status, 401);
}

TEST_F(AuthenticatedServerTest, ProtectedResourceMetadataIsPublicAtBothWellKnownPaths) {
  for (const char* path : {"/.well-known/oauth-protected-resource", "/.well-known/oauth-protected-resource/mcp"}) {
    auto response = client_.get(path);
    ASSERT_EQ(response.status, 200) << path;
    const json metadata = json::parse(response.body);
    EXPECT_EQ(metadata["resource"], "http://127.0.0.1/mcp");
    EXPECT_EQ(metadata["authorization_servers"][0], "http://127.0.0.1/realms/mcp-demo");
  }
  EXPECT_EQ(client_.get("/.well-known/oauth-protected-resource/other").status, 404);
}

TEST(ProtectedResourceMetadata, MustBeAJsonObject) {
  ServerOptions options;
  options.protected_resource_metadata = "[1]";
  Server server(options);
  http::Server http;
  EXPECT_THROW(server.mount(http), std::invalid_argument);
}

TEST_F(AuthenticatedServerTest, ToolHandlersReceiveThePrincipal) {
  const http::Fields alice{{"Authorization", "Bearer alice-token"}};
  const std::string session = open_session(client_, "2025-06-18", alice);
  http::Fields headers = post_headers({{"Authorization", "Bearer alice-token"}, {"Mcp-Session-Id", session}});
  auto response = client_.post("/mcp", R"({"jsonrpc":"2.0","id":3,"method":"tools/call","params":{"name":"whoami"}})",
                               "application/json", headers);
  const json who = json::parse(response.body)["result"]["structuredContent"];
  EXPECT_EQ(who["subject"], "alice");
  EXPECT_EQ(who["context"], "context-of-alice");
}

TEST_F(AuthenticatedServerTest, ASessionCannotBeUsedByAnotherPrincipal) {
  const std::string session = open_session(client_, "2025-06-18", {{"Authorization", "Bearer alice-token"}});
  ASSERT_FALSE(session.empty());
  for (const char* other : {"Bearer bob-token", ""}) {
    http::Fields headers = post_headers({{"Mcp-Session-Id", session}});
    if (*other) headers.emplace_back("Authorization", other);
    EXPECT_EQ(client_.post("/mcp", kPing, "application/json", headers).status, 404) << other;
    EXPECT_EQ(client_.request("DELETE", "/mcp", headers).status, 404) << other;
  }
  http::Fields own = post_headers({{"Mcp-Session-Id", session}, {"Authorization", "Bearer alice-token"}});
  EXPECT_EQ(client_.post("/mcp", kPing, "application/json", own).status, 200);
}


// A tool with required scopes: a single call without them is 403 with the challenge the server
// makes, before the tool runs; in a batch it is a JSON-RPC error of its own; with them it runs.
TEST(ToolScopes, ACallWithoutTheToolsScopeIs403InsufficientScopeAndTheToolDoesNotRun) {
  ServerOptions options;
  options.authenticate = [](const http::Request& request) {
    Principal principal;
    principal.subject = "alice";
    if (request.header("Authorization") == "Bearer writer") principal.scopes = {"notes", "notes.write"};
    if (request.header("Authorization") == "Bearer reader") principal.scopes = {"notes"};
    return AuthResult::allow(principal);
  };
  options.insufficient_scope_challenge = [](const std::string& needed) {
    return "Bearer error=\"insufficient_scope\", scope=\"notes " + needed + "\"";
  };
  Server mcp(options);
  std::atomic<int> runs{0};
  ToolDefinition write;
  write.name = "write_note";
  write.required_scopes = {"notes.write"};
  mcp.add_tool(write, [&runs](const Arguments&, ToolContext&) {
    ++runs;
    return ToolResult::text("written");
  });
  http::Server http;
  mcp.mount(http);
  http.start();
  http::Client client(http.url());
  const std::string call = R"({"jsonrpc":"2.0","id":7,"method":"tools/call","params":{"name":"write_note"}})";

  const http::Fields reader{{"Authorization", "Bearer reader"}};
  const std::string reader_session = open_session(client, "2025-03-26", reader);  // batches allowed
  auto refused = client.post("/mcp", call, "application/json",
                             post_headers({reader[0], {"Mcp-Session-Id", reader_session}, {"MCP-Protocol-Version", "2025-03-26"}}));
  EXPECT_EQ(refused.status, 403);
  EXPECT_EQ(refused.header("WWW-Authenticate"), R"(Bearer error="insufficient_scope", scope="notes notes.write")");
  EXPECT_EQ(json::parse(refused.body)["id"], 7);
  EXPECT_THAT(json::parse(refused.body)["error"]["message"].get<std::string>(), HasSubstr("notes.write"));
  auto batch = client.post("/mcp", "[" + call + "]", "application/json",
                           post_headers({reader[0], {"Mcp-Session-Id", reader_session}, {"MCP-Protocol-Version", "2025-03-26"}}));
  EXPECT_THAT(batch.body, HasSubstr("insufficient_scope"));
  EXPECT_EQ(runs.load(), 0);

  const http::Fields writer{{"Authorization", "Bearer writer"}};
  const std::string writer_session = open_session(client, "2025-06-18", writer);
  auto written = client.post("/mcp", call, "application/json", post_headers({writer[0], {"Mcp-Session-Id", writer_session}}));
  EXPECT_EQ(written.status, 200);
  EXPECT_THAT(written.body, HasSubstr("written"));
  EXPECT_EQ(runs.load(), 1);
  http.stop();
}

// A legacy path whose errors are 200 (legacy_errors_as_http_errors off), a tool's refusal and a
// legacy method beside MCP's: a CallRefused is the legacy request's answer, with its status and
// headers, and a tool execution error in a session, whose HTTP status stays the transport's.
class RefusingServerTest : public ::testing::Test {
 protected:
  RefusingServerTest() {
    ServerOptions options;
    options.legacy_path = "/rpc";
    options.legacy_methods = {"tools/call", "notes/read"};
    options.legacy_errors_as_http_errors = false;
    mcp_ = std::make_unique<Server>(options);
    ToolDefinition guarded;
    guarded.name = "guarded";
    mcp_->add_tool(guarded, [](const Arguments&, ToolContext&) -> ToolResult {
      throw CallRefused(403, -32003, "denied: not for this tier", {{"WWW-Authenticate", "Bearer error=\"insufficient_scope\""}});
    });
    mcp_->add_legacy_method("notes/read", [](const json& params, const Principal&, const http::Request&) {
      if (!params.contains("uri")) throw ToolError("uri is required");
      if (params["uri"] == "secret") throw CallRefused(503, -32000, "unavailable");
      return json{{"text", "note " + params["uri"].get<std::string>()}};
    });
    mcp_->mount(http_);
    http_.start();
    client_ = http::Client(http_.url());
  }
  ~RefusingServerTest() override { http_.stop(); }

  http::ClientResponse legacy(const std::string& method, const json& params) {
    return client_.post("/rpc", json{{"jsonrpc", "2.0"}, {"id", 3}, {"method", method}, {"params", params}}.dump(),
                        "application/json");
  }

  std::unique_ptr<Server> mcp_;
  http::Server http_;
  http::Client client_{"http://127.0.0.1:1"};
};

TEST_F(RefusingServerTest, ARefusalIsTheLegacyAnswerWithItsStatusAndHeaders) {
  const auto refused = legacy("tools/call", {{"name", "guarded"}});
  EXPECT_EQ(refused.status, 403);
  EXPECT_EQ(refused.header("WWW-Authenticate"), R"(Bearer error="insufficient_scope")");
  EXPECT_EQ(json::parse(refused.body)["error"]["code"], -32003);
  EXPECT_EQ(json::parse(refused.body)["error"]["message"], "denied: not for this tier");
  EXPECT_EQ(json::parse(refused.body)["id"], 3);
}

TEST_F(RefusingServerTest, ARefusalInASessionIsAToolErrorOfStatus200) {
  const std::string session = open_session(client_);
  const auto answer = client_.post("/mcp", R"({"jsonrpc":"2.0","id":4,"method":"tools/call","params":{"name":"guarded"}})",
                                   "application/json", post_headers({{"Mcp-Session-Id", session}}));
  EXPECT_EQ(answer.status, 200);
  EXPECT_EQ(answer.header("WWW-Authenticate"), "");
  const json body = json::parse(answer.body);
  EXPECT_EQ(body["result"]["isError"], true);
  EXPECT_EQ(body["result"]["content"][0]["text"], "denied: not for this tier");
}

TEST_F(RefusingServerTest, LegacyMethodsAnswerOnTheLegacyPathOnlyAndErrorsAre200) {
  const auto read = legacy("notes/read", {{"uri", "a"}});
  EXPECT_EQ(read.status, 200);
  EXPECT_EQ(json::parse(read.body)["result"]["text"], "note a");
  const auto missing = legacy("notes/read", json::object());
  EXPECT_EQ(missing.status, 200);
  EXPECT_EQ(json::parse(missing.body)["error"]["code"], -32602);
  EXPECT_EQ(json::parse(missing.body)["error"]["message"], "uri is required");
  EXPECT_EQ(legacy("notes/read", {{"uri", "secret"}}).status, 503);
  const auto unknown_tool = legacy("tools/call", {{"name", "nope"}});
  EXPECT_EQ(unknown_tool.status, 200);
  EXPECT_EQ(json::parse(unknown_tool.body)["error"]["code"], -32602);
  const auto unlisted = legacy("tools/list", json::object());
  EXPECT_EQ(unlisted.status, 200);
  EXPECT_EQ(json::parse(unlisted.body)["error"]["message"], "Unknown method: tools/list");

  const std::string session = open_session(client_);
  const auto in_session = client_.post("/mcp", R"({"jsonrpc":"2.0","id":5,"method":"notes/read","params":{"uri":"a"}})",
                                       "application/json", post_headers({{"Mcp-Session-Id", session}}));
  EXPECT_EQ(json::parse(in_session.body)["error"]["code"], -32601);
}

}  // namespace
}  // namespace mcph::mcp
