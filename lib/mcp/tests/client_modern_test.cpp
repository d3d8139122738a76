// The client in the modern era (2026-07-28) and as a dual-era client: what it sends, and that it
// falls back to initialize at a legacy-only server.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "mcph/mcp/client.h"
#include "test_server.h"

namespace mcph::mcp {
namespace {

using nlohmann::json;

testing::TestServerOptions server_options(Era era) {
  testing::TestServerOptions options;
  options.authentication = true;
  options.resources = true;
  options.era = era;
  return options;
}

Client client_of(const testing::TestServer& server, Era era) {
  ClientOptions options;
  options.era = era;
  Client client(server.endpoint(), options);
  client.set_header("Authorization", "Bearer alice-token");
  return client;
}

TEST(ClientModern, AModernClientOpensNoSessionAndEachCallCarriesItsEra) {
  testing::TestServer server(server_options(Era::dual));
  Client client = client_of(server, Era::modern);
  const RpcOutcome discover = client.connect();
  ASSERT_TRUE(discover.ok()) << discover.body;
  EXPECT_EQ(json::parse(*discover.result)["supportedVersions"][0], "2026-07-28");
  EXPECT_EQ(client.session_id(), "");
  EXPECT_TRUE(client.speaks_modern());
  const ToolCallOutcome call = client.call_tool("whoami", "{}");
  ASSERT_TRUE(call.ok()) << call.rpc.body;
  const json who = json::parse(call.structured_content);
  EXPECT_EQ(who["subject"], "alice");
  EXPECT_EQ(who["protocol"], "2026-07-28");
  EXPECT_EQ(who["session"], "");
  EXPECT_EQ(json::parse(*client.request("resources/list").result)["cacheScope"], "private");
  EXPECT_EQ(client.list_tools().size(), 5u);
}

TEST(ClientModern, ACallsOwnHeadersReplaceTheStandardOnes) {
  testing::TestServer server(server_options(Era::dual));
  Client client = client_of(server, Era::modern);
  const ToolCallOutcome call = client.call_tool("whoami", "{}", {{"Mcp-Name", "echo"}});
  EXPECT_EQ(call.rpc.http_status, 400);
  ASSERT_TRUE(call.rpc.error);
  EXPECT_EQ(call.rpc.error->code, jsonrpc::kHeaderMismatch);
}

TEST(ClientModern, AToolNameThatIsNoSafeHeaderValueGoesBase64) {
  testing::TestServer server(server_options(Era::dual));
  Client client = client_of(server, Era::modern);
  // Unknown either way; what matters is that the server decoded the header and found it agreeing.
  const ToolCallOutcome call = client.call_tool(" spaced name ", "{}");
  ASSERT_TRUE(call.rpc.error) << call.rpc.body;
  EXPECT_EQ(call.rpc.error->code, jsonrpc::kInvalidParams) << call.rpc.body;
}

TEST(ClientModern, ADualClientSpeaksModernToADualServer) {
  testing::TestServer server(server_options(Era::dual));
  Client client = client_of(server, Era::dual);
  ASSERT_TRUE(client.connect().ok());
  EXPECT_TRUE(client.speaks_modern());
  EXPECT_EQ(client.session_id(), "");
  EXPECT_EQ(client.protocol_version(), "2026-07-28");
}

TEST(ClientModern, ADualClientFallsBackToInitializeAtALegacyOnlyServer) {
  testing::TestServer server(server_options(Era::legacy));
  Client client = client_of(server, Era::dual);
  const RpcOutcome opened = client.connect();
  ASSERT_TRUE(opened.ok()) << opened.body;
  EXPECT_FALSE(client.speaks_modern());
  EXPECT_FALSE(client.session_id().empty());
  EXPECT_EQ(client.protocol_version(), latest_protocol_version());
  const ToolCallOutcome call = client.call_tool("whoami", "{}");
  ASSERT_TRUE(call.ok()) << call.rpc.body;
  EXPECT_EQ(json::parse(call.structured_content)["subject"], "alice");
}

TEST(ClientModern, ADualClientStaysModernAtAModernOnlyServerAndALegacyOneIsRefused) {
  testing::TestServer server(server_options(Era::modern));
  Client dual = client_of(server, Era::dual);
  ASSERT_TRUE(dual.connect().ok());
  EXPECT_TRUE(dual.speaks_modern());
  EXPECT_TRUE(dual.session_id().empty());
  EXPECT_TRUE(dual.call_tool("whoami", "{}").ok());
  Client legacy = client_of(server, Era::legacy);
  const RpcOutcome opened = legacy.connect();
  EXPECT_EQ(opened.http_status, 400) << opened.body;
  ASSERT_TRUE(opened.error);
  EXPECT_EQ(opened.error->code, jsonrpc::kUnsupportedProtocolVersion);
  EXPECT_TRUE(legacy.session_id().empty());
}

TEST(ClientModern, AModernClientAtALegacyOnlyServerIsRefused) {
  testing::TestServer server(server_options(Era::legacy));
  Client client = client_of(server, Era::modern);
  const RpcOutcome discover = client.connect();
  EXPECT_EQ(discover.http_status, 400);
  EXPECT_FALSE(client.call_tool("whoami", "{}").ok());
}

TEST(ClientModern, EraNamesAreParsedAndUnknownOnesRefused) {
  EXPECT_EQ(parse_era("modern"), Era::modern);
  EXPECT_EQ(parse_era("legacy"), Era::legacy);
  EXPECT_EQ(parse_era("dual"), Era::dual);
  EXPECT_EQ(to_string(Era::dual), "dual");
  EXPECT_THROW(parse_era("2026"), std::invalid_argument);
}

}  // namespace
}  // namespace mcph::mcp
