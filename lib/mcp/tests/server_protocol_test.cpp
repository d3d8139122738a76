// The JSON-RPC and MCP lifecycle rules of the server, driven with a plain HTTP client so that
// every byte on the wire is under the test's control.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "mcph/mcp/protocol.h"
#include "mcph/mcp/sse.h"
#include "test_server.h"

namespace mcph::mcp {
namespace {

using nlohmann::json;
using testing::open_session;
using testing::post_headers;
using ::testing::HasSubstr;
using ::testing::Not;

class ServerProtocolTest : public ::testing::Test {
 protected:
  testing::TestServer server_;
  http::Client client_{server_.base_url()};

  http::ClientResponse post(const std::string& body, const std::string& session = "", http::Fields extra = {}) {
    http::Fields headers = post_headers(std::move(extra));
    if (!session.empty()) headers.emplace_back("Mcp-Session-Id", session);
    return client_.post("/mcp", body, "application/json", headers);
  }
  json post_json(const json& message, const std::string& session, http::Fields extra = {}) {
    auto response = post(message.dump(), session, std::move(extra));
    EXPECT_EQ(response.status, 200) << response.body;
    return json::parse(response.body);
  }
  static json request(const std::string& method, json params = nullptr, json id = 7) {
    json message{{"jsonrpc", "2.0"}, {"id", id}, {"method", method}};
    if (!params.is_null()) message["params"] = std::move(params);
    return message;
  }
  json initialize_raw(const json& params, http::ClientResponse* raw = nullptr) {
    auto response = post(request("initialize", params, 1).dump());
    if (raw != nullptr) *raw = response;
    return json::parse(response.body);
  }
  static json init_params(const std::string& version) {
    return {{"protocolVersion", version}, {"capabilities", json::object()},
            {"clientInfo", {{"name", "t"}, {"version", "1"}}}};
  }
};

TEST_F(ServerProtocolTest, InitializeReturnsServerInfoCapabilitiesAndASessionId) {
  http::ClientResponse raw;
  const json response = initialize_raw(init_params("2025-06-18"), &raw);
  EXPECT_EQ(raw.status, 200);
  EXPECT_EQ(response["id"], 1);
  const json& result = response["result"];
  EXPECT_EQ(result["protocolVersion"], "2025-06-18");
  EXPECT_EQ(result["serverInfo"]["name"], "mcp-test-server");
  EXPECT_EQ(result["serverInfo"]["version"], "9.9.9");
  EXPECT_EQ(result["instructions"], "test instructions");
  EXPECT_TRUE(result["capabilities"].contains("tools"));
  EXPECT_TRUE(result["capabilities"].contains("logging"));
  const std::string session = raw.header("Mcp-Session-Id");
  ASSERT_EQ(session.size(), 32u);
  for (char c : session) EXPECT_TRUE(c >= 0x21 && c <= 0x7E);
  EXPECT_EQ(server_.mcp().session_count(), 1u);
}

TEST_F(ServerProtocolTest, EverySupportedVersionIsEchoed) {
  for (const auto& version : supported_protocol_versions()) {
    EXPECT_EQ(initialize_raw(init_params(version))["result"]["protocolVersion"], version);
  }
}

TEST_F(ServerProtocolTest, AnUnknownVersionIsAnsweredWithTheLatest) {
  EXPECT_EQ(initialize_raw(init_params("2024-11-05"))["result"]["protocolVersion"], latest_protocol_version());
  EXPECT_EQ(initialize_raw(init_params("1999-01-01"))["result"]["protocolVersion"], "2025-11-25");
}

TEST_F(ServerProtocolTest, InitializeWithoutProtocolVersionIsInvalidParamsAndOpensNoSession) {
  http::ClientResponse raw;
  const json response = initialize_raw({{"capabilities", json::object()}}, &raw);
  EXPECT_EQ(response["error"]["code"], jsonrpc::kInvalidParams);
  EXPECT_EQ(raw.header("Mcp-Session-Id"), "");
  EXPECT_EQ(server_.mcp().session_count(), 0u);
}

TEST_F(ServerProtocolTest, RequestsWithoutSessionAre400) {
  auto response = post(request("tools/list").dump());
  EXPECT_EQ(response.status, 400);
  EXPECT_THAT(response.body, HasSubstr("Mcp-Session-Id"));
  EXPECT_EQ(json::parse(response.body)["id"], nullptr);
}

TEST_F(ServerProtocolTest, UnknownSessionIs404) {
  auto response = post(request("ping").dump(), "0123456789abcdef0123456789abcdef");
  EXPECT_EQ(response.status, 404);
}

TEST_F(ServerProtocolTest, DeleteEndsTheSession) {
  const std::string session = open_session(client_);
  ASSERT_FALSE(session.empty());
  EXPECT_EQ(post_json(request("ping"), session)["result"], json::object());
  auto deleted = client_.request("DELETE", "/mcp", {{"Mcp-Session-Id", session}});
  EXPECT_EQ(deleted.status, 200);
  EXPECT_EQ(post(request("ping").dump(), session).status, 404);
  EXPECT_EQ(client_.request("DELETE", "/mcp", {{"Mcp-Session-Id", session}}).status, 404);
  EXPECT_EQ(client_.request("DELETE", "/mcp").status, 400);
  EXPECT_EQ(server_.mcp().session_count(), 0u);
}

TEST_F(ServerProtocolTest, SessionsAreBoundedLeastRecentlyUsedFirst) {
  testing::TestServerOptions options;
  options.max_sessions = 2;
  testing::TestServer small(options);
  http::Client client(small.base_url());
  const std::string first = open_session(client);
  const std::string second = open_session(client);
  http::Fields use_first = post_headers({{"Mcp-Session-Id", first}});
  EXPECT_EQ(client.post("/mcp", request("ping").dump(), "application/json", use_first).status, 200);
  const std::string third = open_session(client);
  EXPECT_EQ(small.mcp().session_count(), 2u);
  http::Fields use_second = post_headers({{"Mcp-Session-Id", second}});
  EXPECT_EQ(client.post("/mcp", request("ping").dump(), "application/json", use_second).status, 404);
  EXPECT_EQ(client.post("/mcp", request("ping").dump(), "application/json", use_first).status, 200);
}

TEST_F(ServerProtocolTest, PingAnswersAnEmptyObject) {
  const std::string session = open_session(client_);
  const json response = post_json(request("ping", nullptr, "ping-1"), session);
  EXPECT_EQ(response["id"], "ping-1");
  EXPECT_EQ(response["result"], json::object());
}

TEST_F(ServerProtocolTest, ToolsListDescribesEveryToolWithItsSchema) {
  const std::string session = open_session(client_);
  const json tools = post_json(request("tools/list"), session)["result"]["tools"];
  ASSERT_EQ(tools.size(), 5u);
  EXPECT_EQ(tools[0]["name"], "echo");
  EXPECT_EQ(tools[0]["description"], "Echoes text, count times");
  EXPECT_EQ(tools[0]["inputSchema"]["type"], "object");
  EXPECT_EQ(tools[0]["inputSchema"]["required"], json::array({"text"}));
  EXPECT_EQ(tools[0]["inputSchema"]["properties"]["count"]["type"], "integer");
  for (const auto& tool : tools) {
    EXPECT_TRUE(tool["name"].is_string());
    EXPECT_TRUE(tool["description"].is_string());
    EXPECT_EQ(tool["inputSchema"]["type"], "object") << tool.dump();
  }
}

TEST_F(ServerProtocolTest, ToolsCallReturnsContent) {
  const std::string session = open_session(client_);
  const json response =
      post_json(request("tools/call", {{"name", "echo"}, {"arguments", {{"text", "ab"}, {"count", 3}}}}), session);
  EXPECT_EQ(response["result"]["content"], json::parse(R"([{"type":"text","text":"ababab"}])"));
  EXPECT_FALSE(response["result"].contains("isError"));
}

TEST_F(ServerProtocolTest, OmittedArgumentsAreAnEmptyObject) {
  const std::string session = open_session(client_);
  const json response = post_json(request("tools/call", {{"name", "whoami"}}), session);
  EXPECT_FALSE(response["result"].contains("isError")) << response.dump();
  EXPECT_EQ(response["result"]["structuredContent"]["session"], session);
}

TEST_F(ServerProtocolTest, UnknownToolIsInvalidParams) {
  const std::string session = open_session(client_);
  const json response = post_json(request("tools/call", {{"name", "nope"}, {"arguments", json::object()}}), session);
  EXPECT_EQ(response["error"]["code"], jsonrpc::kInvalidParams);
  EXPECT_THAT(response["error"]["message"].get<std::string>(), HasSubstr("Unknown tool: nope"));
}

TEST_F(ServerProtocolTest, MalformedToolsCallParamsAreInvalidParams) {
  const std::string session = open_session(client_);
  EXPECT_EQ(post_json(request("tools/call", {{"arguments", json::object()}}), session)["error"]["code"], -32602);
  EXPECT_EQ(post_json(request("tools/call", {{"name", "echo"}, {"arguments", "text"}}), session)["error"]["code"],
            -32602);
  EXPECT_EQ(post_json(request("tools/call", json::array({1})), session)["error"]["code"], -32602);
}

TEST_F(ServerProtocolTest, ArgumentsThatBreakTheSchemaAreToolErrorsNamingTheProblem) {
  const std::string session = open_session(client_);
  auto call = [&](json arguments) {
    return post_json(request("tools/call", {{"name", "echo"}, {"arguments", std::move(arguments)}}), session)["result"];
  };
  const json missing = call(json::object());
  EXPECT_EQ(missing["isError"], true);
  EXPECT_THAT(missing["content"][0]["text"].get<std::string>(), HasSubstr("missing required property 'text'"));
  const json wrong_type = call({{"text", 5}});
  EXPECT_EQ(wrong_type["isError"], true);
  EXPECT_THAT(wrong_type["content"][0]["text"].get<std::string>(), HasSubstr("/text: expected string, got integer"));
  EXPECT_THAT(call({{"text", "a"}, {"count", 1.5}})["content"][0]["text"].get<std::string>(),
              HasSubstr("/count: expected integer"));
  EXPECT_THAT(call({{"text", "a"}, {"count", 0}})["content"][0]["text"].get<std::string>(), HasSubstr("/count"));
  EXPECT_THAT(call({{"text", "a"}, {"extra", 1}})["content"][0]["text"].get<std::string>(),
              HasSubstr("unknown property 'extra'"));
  EXPECT_FALSE(call({{"text", "a"}, {"count", 2.0}}).contains("isError"));
}

TEST_F(ServerProtocolTest, ToolFailuresAreToolErrorsAndInternalDetailsStayInside) {
  const std::string session = open_session(client_);
  const json tool_error = post_json(request("tools/call", {{"name", "fails"}}), session)["result"];
  EXPECT_EQ(tool_error["isError"], true);
  EXPECT_EQ(tool_error["content"][0]["text"], "the backend said no");
  const auto internal = post(request("tools/call", {{"name", "fails"}, {"arguments", {{"internal", true}}}}).dump(),
                             session);
  EXPECT_EQ(json::parse(internal.body)["result"]["isError"], true);
  EXPECT_THAT(internal.body, Not(HasSubstr("secret-internal-detail")));
}

TEST_F(ServerProtocolTest, InvalidUtf8FromAToolIsReplacedNotFatal) {
  const std::string session = open_session(client_);
  const json response = post_json(request("tools/call", {{"name", "bytes"}}), session);
  EXPECT_EQ(response["result"]["content"][0]["text"], "ok \xef\xbf\xbd\xef\xbf\xbd end");
}

TEST_F(ServerProtocolTest, UnknownMethodIsMethodNotFound) {
  const std::string session = open_session(client_);
  const json response = post_json(request("resources/list"), session);
  EXPECT_EQ(response["error"]["code"], jsonrpc::kMethodNotFound);
  EXPECT_EQ(response["id"], 7);
}

TEST_F(ServerProtocolTest, NotificationsAndClientResponsesAre202WithoutBody) {
  const std::string session = open_session(client_);
  for (const char* body : {R"({"jsonrpc":"2.0","method":"notifications/initialized"})",
                           R"({"jsonrpc":"2.0","method":"notifications/cancelled","params":{"requestId":3}})",
                           R"({"jsonrpc":"2.0","method":"notifications/unknown-to-us"})",
                           R"({"jsonrpc":"2.0","id":5,"result":{}})",
                           R"({"jsonrpc":"2.0","id":6,"error":{"code":-1,"message":"no"}})"}) {
    auto response = post(body, session);
    EXPECT_EQ(response.status, 202) << body;
    EXPECT_EQ(response.body, "") << body;
  }
}

TEST_F(ServerProtocolTest, MalformedJsonIsParseError) {
  const std::string session = open_session(client_);
  for (const char* body : {R"({"jsonrpc":"2.0",)", "", "not json"}) {
    auto response = post(body, session);
    EXPECT_EQ(response.status, 400) << body;
    const json error = json::parse(response.body);
    EXPECT_EQ(error["error"]["code"], jsonrpc::kParseError);
    EXPECT_EQ(error["id"], nullptr);
  }
}

TEST_F(ServerProtocolTest, InvalidRequestsAreInvalidRequest) {
  const std::string session = open_session(client_);
  for (const char* body : {R"("just a string")", R"(42)", R"({"id":1,"method":"ping"})",
                           R"({"jsonrpc":"1.0","id":1,"method":"ping"})", R"({"jsonrpc":"2.0","id":1,"method":5})",
                           R"({"jsonrpc":"2.0","id":null,"method":"ping"})", R"({"jsonrpc":"2.0","id":{},"method":"ping"})",
                           R"({"jsonrpc":"2.0","id":1})"}) {
    auto response = post(body, session);
    EXPECT_EQ(response.status, 400) << body;
    EXPECT_EQ(json::parse(response.body)["error"]["code"], jsonrpc::kInvalidRequest) << body;
  }
  // The id is echoed when it is usable.
  EXPECT_EQ(json::parse(post(R"({"jsonrpc":"1.0","id":9,"method":"ping"})", session).body)["id"], 9);
}

TEST_F(ServerProtocolTest, BatchesWorkIn20250326) {
  const std::string session = open_session(client_, "2025-03-26");
  const json batch = json::array({request("ping", nullptr, 1),
                                  json{{"jsonrpc", "2.0"}, {"method", "notifications/initialized"}},
                                  request("tools/call", {{"name", "echo"}, {"arguments", {{"text", "x"}}}}, 2),
                                  json{{"jsonrpc", "2.0"}, {"id", 3}},
                                  request("nope", nullptr, 4)});
  auto response = post(batch.dump(), session, {{"MCP-Protocol-Version", "2025-03-26"}});
  ASSERT_EQ(response.status, 200) << response.body;
  const json answers = json::parse(response.body);
  ASSERT_TRUE(answers.is_array());
  ASSERT_EQ(answers.size(), 4u);
  EXPECT_EQ(answers[0]["id"], 1);
  EXPECT_EQ(answers[1]["result"]["content"][0]["text"], "x");
  EXPECT_EQ(answers[2]["error"]["code"], jsonrpc::kInvalidRequest);
  EXPECT_EQ(answers[2]["id"], 3);
  EXPECT_EQ(answers[3]["error"]["code"], jsonrpc::kMethodNotFound);
}

// A rate limit counts calls: a batch's further requests are charged before any of them runs, and
// a batch beyond the caller's budget is refused whole, 429 with Retry-After.
TEST(ServerBatchCharge, EveryRequestOfABatchIsACallAndABatchBeyondTheBudgetRunsNothing) {
  std::vector<std::pair<std::string, std::size_t>> charged;
  testing::TestServerOptions options;
  options.authentication = true;
  options.charge_batch = [&charged](const Principal& who, std::size_t further) -> std::optional<std::chrono::seconds> {
    charged.emplace_back(who.subject, further);
    if (further > 2) return std::chrono::seconds(3);
    return std::nullopt;
  };
  testing::TestServer server(options);
  http::Client client(server.base_url());
  const http::Fields alice = {{"Authorization", "Bearer alice-token"}};
  const std::string session = open_session(client, "2025-03-26", alice);
  ASSERT_FALSE(session.empty());
  const auto post = [&](const json& batch) {
    http::Fields headers = post_headers(alice);
    headers.emplace_back("Mcp-Session-Id", session);
    return client.post("/mcp", batch.dump(), "application/json", headers);
  };
  const auto call = [](int id) {
    return json{{"jsonrpc", "2.0"}, {"id", id}, {"method", "tools/call"},
                {"params", {{"name", "echo"}, {"arguments", {{"text", std::to_string(id)}}}}}};
  };
  const json notification = {{"jsonrpc", "2.0"}, {"method", "notifications/initialized"}};

  auto answered = post(json::array({call(1), notification, call(2), call(3)}));
  ASSERT_EQ(answered.status, 200) << answered.body;
  EXPECT_EQ(json::parse(answered.body).size(), 3u);
  ASSERT_EQ(charged.size(), 1u);
  EXPECT_EQ(charged[0], (std::pair<std::string, std::size_t>{"alice", 2}));  // the first was the request's own

  auto refused = post(json::array({call(1), call(2), call(3), call(4)}));
  EXPECT_EQ(refused.status, 429);
  EXPECT_EQ(refused.header("Retry-After"), "3");
  EXPECT_THAT(refused.body, HasSubstr("a batch of 4 requests is as many calls"));
  EXPECT_THAT(refused.body, Not(HasSubstr("\"result\"")));
  ASSERT_EQ(charged.size(), 2u);
  EXPECT_EQ(charged[1].second, 3u);

  // A single request is the authentication hook's to charge, not this hook's.
  auto single = post(call(9));
  EXPECT_EQ(single.status, 200);
  EXPECT_EQ(charged.size(), 2u);
}

TEST_F(ServerProtocolTest, BatchOfNotificationsIs202) {
  const std::string session = open_session(client_, "2025-03-26");
  auto response = post(R"([{"jsonrpc":"2.0","method":"notifications/initialized"},{"jsonrpc":"2.0","id":1,"result":{}}])",
                       session);
  EXPECT_EQ(response.status, 202);
  EXPECT_EQ(response.body, "");
}

TEST_F(ServerProtocolTest, EmptyBatchIsInvalidRequest) {
  const std::string session = open_session(client_, "2025-03-26");
  auto response = post("[]", session);
  EXPECT_EQ(response.status, 400);
  EXPECT_EQ(json::parse(response.body)["error"]["code"], jsonrpc::kInvalidRequest);
}

TEST_F(ServerProtocolTest, BatchesAreRefusedAfter20250326) {
  for (const char* version : {"2025-06-18", "2025-11-25"}) {
    const std::string session = open_session(client_, version);
    auto response = post(json::array({request("ping", nullptr, 1)}).dump(), session);
    EXPECT_EQ(response.status, 400) << version;
    const json error = json::parse(response.body);
    EXPECT_EQ(error["error"]["code"], jsonrpc::kInvalidRequest) << version;
    EXPECT_THAT(error["error"]["message"].get<std::string>(), HasSubstr(version));
  }
}

TEST_F(ServerProtocolTest, InitializeInsideABatchIsRefused) {
  const std::string session = open_session(client_, "2025-03-26");
  auto response = post(json::array({request("initialize", init_params("2025-03-26"), 1)}).dump(), session);
  EXPECT_EQ(json::parse(response.body)[0]["error"]["code"], jsonrpc::kInvalidRequest);
}

TEST_F(ServerProtocolTest, SetLevelValidatesTheLevel) {
  const std::string session = open_session(client_);
  EXPECT_EQ(post_json(request("logging/setLevel", {{"level", "warning"}}), session)["result"], json::object());
  EXPECT_EQ(post_json(request("logging/setLevel", {{"level", "loud"}}), session)["error"]["code"], -32602);
  EXPECT_EQ(post_json(request("logging/setLevel"), session)["error"]["code"], -32602);
}

TEST_F(ServerProtocolTest, ToolsSeeTheSessionAndNegotiatedVersion) {
  const std::string session = open_session(client_, "2025-03-26");
  const json response = post_json(request("tools/call", {{"name", "whoami"}}), session);
  const json text = json::parse(response["result"]["content"][0]["text"].get<std::string>());
  EXPECT_EQ(text["session"], session);
  EXPECT_EQ(text["protocol"], "2025-03-26");
  // structuredContent does not exist in 2025-03-26.
  EXPECT_FALSE(response["result"].contains("structuredContent"));
  const std::string newer = open_session(client_, "2025-06-18");
  EXPECT_EQ(post_json(request("tools/call", {{"name", "whoami"}}), newer)["result"]["structuredContent"]["session"],
            newer);
}

}  // namespace
}  // namespace mcph::mcp
