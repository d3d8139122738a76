// A server of the modern era alone (ServerOptions::era = modern): every POST is a request of
// 2026-07-28, and the legacy era's openings (initialize, a session id, batches, GET, DELETE and
// the HTTP+SSE stream) are refused or ignored as the revision asks of such a server.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "mcph/mcp/protocol.h"
#include "test_server.h"

namespace mcph::mcp {
namespace {

using nlohmann::json;
using testing::post_headers;

json modern_message(const std::string& method, json params = json::object()) {
  params["_meta"][std::string(kMetaProtocolVersion)] = "2026-07-28";
  params["_meta"][std::string(kMetaClientCapabilities)] = json::object();
  return {{"jsonrpc", "2.0"}, {"id", 7}, {"method", method}, {"params", std::move(params)}};
}

http::Fields modern_headers(const json& message, http::Fields extra = {}) {
  extra.emplace_back("MCP-Protocol-Version", "2026-07-28");
  extra.emplace_back("Mcp-Method", message["method"].get<std::string>());
  if (message["params"].contains("name")) extra.emplace_back("Mcp-Name", message["params"]["name"].get<std::string>());
  extra.emplace_back("Authorization", "Bearer alice-token");
  return post_headers(std::move(extra));
}

class ServerModernOnlyTest : public ::testing::Test {
 protected:
  static testing::TestServerOptions modern_only() {
    testing::TestServerOptions options;
    options.authentication = true;
    options.era = Era::modern;
    return options;
  }
  http::ClientResponse post(const json& message, const http::Fields& headers) {
    return client_.post("/mcp", message.dump(), "application/json", headers);
  }

  testing::TestServer server_{modern_only()};
  http::Client client_{server_.base_url()};
};

TEST_F(ServerModernOnlyTest, DiscoverNamesTheModernVersionsAlone) {
  const json discover = modern_message("server/discover");
  const auto response = post(discover, modern_headers(discover));
  ASSERT_EQ(response.status, 200) << response.body;
  EXPECT_EQ(json::parse(response.body)["result"]["supportedVersions"], json::array({"2026-07-28"}));
}

TEST_F(ServerModernOnlyTest, InitializeIsRefusedNamingTheVersionsServedAndOpensNoSession) {
  const json initialize = {{"jsonrpc", "2.0"}, {"id", 1}, {"method", "initialize"},
                           {"params", {{"protocolVersion", "2025-11-25"}, {"capabilities", json::object()},
                                       {"clientInfo", {{"name", "legacy"}, {"version", "1"}}}}}};
  const auto response = post(initialize, post_headers({{"Authorization", "Bearer alice-token"}}));
  EXPECT_EQ(response.status, 400) << response.body;
  EXPECT_EQ(response.header("Mcp-Session-Id"), "");
  const json error = json::parse(response.body)["error"];
  EXPECT_EQ(error["code"], jsonrpc::kUnsupportedProtocolVersion);
  EXPECT_EQ(error["data"]["supported"], json::array({"2026-07-28"}));
  EXPECT_EQ(error["data"]["requested"], "2025-11-25");
  EXPECT_EQ(server_.mcp().session_count(), 0u);
}

TEST_F(ServerModernOnlyTest, ASessionIdIsIgnoredAndTheRequestServedOnItsOwn) {
  const json call = modern_message("tools/call", {{"name", "whoami"}, {"arguments", json::object()}});
  const auto response = post(call, modern_headers(call, {{"Mcp-Session-Id", "someone-elses"}}));
  ASSERT_EQ(response.status, 200) << response.body;
  EXPECT_EQ(response.header("Mcp-Session-Id"), "");
  EXPECT_EQ(json::parse(response.body)["result"]["structuredContent"]["subject"], "alice");
}

TEST_F(ServerModernOnlyTest, ARequestOfTheLegacyEraIsRefused) {
  const json list = {{"jsonrpc", "2.0"}, {"id", 2}, {"method", "tools/list"}};
  const auto response = post(list, post_headers({{"Authorization", "Bearer alice-token"}}));
  EXPECT_EQ(response.status, 400) << response.body;
  EXPECT_EQ(json::parse(response.body)["error"]["code"], jsonrpc::kInvalidParams);
  const json batch = json::array({modern_message("tools/list"), modern_message("tools/list")});
  EXPECT_EQ(post(batch, modern_headers(modern_message("tools/list"))).status, 400);
}

TEST_F(ServerModernOnlyTest, GetDeleteAndTheSseStreamAreNotServed) {
  const http::Fields token{{"Authorization", "Bearer alice-token"}};
  EXPECT_EQ(client_.request("GET", "/mcp", token, "", "").status, 405);
  const auto deleted = client_.request("DELETE", "/mcp", token, "", "");
  EXPECT_EQ(deleted.status, 405);
  EXPECT_EQ(deleted.header("Allow"), "POST");
  EXPECT_GE(client_.request("GET", "/sse", token, "", "").status, 400) << "no HTTP+SSE stream opens";
}

}  // namespace
}  // namespace mcph::mcp
