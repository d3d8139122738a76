// The reference servers' surfaces beside the tool call: MCP's HTTP+SSE transport, the protected
// resource metadata, and the debug trace of a user's credentials.
#include "servers_integration.h"

namespace mcph::harness {
namespace {

using namespace servers_test;
using ::testing::HasSubstr;
using ::testing::StartsWith;

// MCP's HTTP+SSE transport (GET /sse, POST /messages/?session_id=) beside /mcp: the calls are
// the caller's own, every POST needs its own valid token, and a session serves only its user.
TEST_F(ServersIntegration, SseTransportChecksEveryPostAndKeepsSessionsToTheirUser) {
  const std::string mcp_url = stack().service("jira-mcp").url;
  mcp::ClientOptions options;
  options.transport = mcp::Transport::sse;
  mcp::Client alice(mcp_url.substr(0, mcp_url.size() - 4) + "/sse", options);
  alice.set_header("Authorization", "Bearer " + token_for("alice"));
  const auto init = alice.connect();
  ASSERT_TRUE(init.ok()) << init.http_status << " " << init.body;
  clear_ledger("jira-api");
  const auto call = alice.call_tool("get_issue", R"({"issue_key":"DEMO-1"})");
  ASSERT_TRUE(call.ok()) << call.rpc.body;
  EXPECT_THAT(call.text(), HasSubstr("DEMO-1"));
  EXPECT_EQ(ledger("jira-api")[0]["credential_of"], "alice");

  // Alice's session id with no token: the bare challenge, as for /mcp.
  const auto anonymous = alice.call_tool("get_issue", R"({"issue_key":"DEMO-1"})", {{"Authorization", ""}});
  EXPECT_EQ(anonymous.rpc.http_status, 401);
  EXPECT_THAT(anonymous.rpc.header("WWW-Authenticate"), StartsWith("Bearer resource_metadata="));
  // With a forged token: invalid_token.
  const auto forged = alice.call_tool("get_issue", R"({"issue_key":"DEMO-1"})", {{"Authorization", "Bearer x.y.z"}});
  EXPECT_EQ(forged.rpc.http_status, 401);
  EXPECT_THAT(forged.rpc.header("WWW-Authenticate"), HasSubstr(R"(error="invalid_token")"));
  // With bob's valid token: not found, and nothing ran for him.
  clear_ledger("jira-api");
  const auto bobs = alice.call_tool("get_issue", R"({"issue_key":"DEMO-1"})",
                                    {{"Authorization", "Bearer " + token_for("bob")}});
  EXPECT_EQ(bobs.rpc.http_status, 404);
  EXPECT_TRUE(ledger("jira-api").empty());
  EXPECT_TRUE(alice.ping().ok());  // alice's session goes on
}

TEST_F(ServersIntegration, ProtectedResourceMetadataNamesTheRealm) {
  const std::string mcp_url = stack().service("jira-mcp").url;
  http::Client client(mcp_url.substr(0, mcp_url.size() - 4));
  const auto response = client.get("/.well-known/oauth-protected-resource");
  ASSERT_EQ(response.status, 200);
  const Json metadata = Json::parse(response.body);
  EXPECT_EQ(metadata["resource"], mcp_url);
  EXPECT_EQ(metadata["authorization_servers"][0], realm_url());
  EXPECT_EQ(metadata["bearer_methods_supported"][0], "header");
}

// The debug trace is off unless a server is started with it: it logs in to Vault and leases
// credentials for whoever calls it.
TEST_F(ServersIntegration, DebugCredentialsIsOffByDefault) {
  const std::string mcp_url = stack().service("jira-mcp").url;
  http::Client client(mcp_url.substr(0, mcp_url.size() - 4));
  EXPECT_EQ(client.get("/debug/credentials", {{"Authorization", "Bearer " + token_for("alice")}}).status, 404);
}

TEST_F(ServersIntegration, DebugCredentialsShowsVaultsIdentityAndAMaskedSecret) {
  auto server = start_own_server("jira-mcp", {"--jira-url", stack().service("jira-api").url, "--debug-credentials"});
  http::Client client(server.url);
  const auto response = client.get("/debug/credentials", {{"Authorization", "Bearer " + token_for("alice")}});
  ASSERT_EQ(response.status, 200) << response.body;
  const Json trace = Json::parse(response.body);
  EXPECT_EQ(trace["user_id"], user_id("alice"));
  EXPECT_EQ(trace["entity_name"], "alice");
  EXPECT_EQ(trace["vault_path"], "secret/data/users/alice/jira");
  EXPECT_EQ(trace["secret_exists"], true);
  const std::string masked = trace["credential"];
  EXPECT_THAT(masked, StartsWith("****"));
  EXPECT_LE(masked.size(), 8u);
}

// Turned on, it is behind what /mcp is behind: the token, Host and Origin, the rate limit.
TEST_F(ServersIntegration, DebugCredentialsPassesTheChecksOfTheMcpEndpoint) {
  auto server = start_own_server("jira-mcp", {"--jira-url", stack().service("jira-api").url, "--debug-credentials",
                                              "--rate-limit", "2", "--rate-window-ms", "60000"});
  http::Client client(server.url);
  const http::Fields alice = {{"Authorization", "Bearer " + token_for("alice")}};
  EXPECT_EQ(client.get("/debug/credentials").status, 401);
  http::Fields rebound = alice;
  rebound.emplace_back("Origin", "http://attacker.example");
  EXPECT_EQ(client.get("/debug/credentials", rebound).status, 403);
  EXPECT_EQ(client.get("/debug/credentials", alice).status, 200);
  EXPECT_EQ(client.get("/debug/credentials", alice).status, 200);
  const auto throttled = client.get("/debug/credentials", alice);
  EXPECT_EQ(throttled.status, 429) << throttled.body;
}

// postgres-mcp's trace names the role and nothing of its password.
TEST_F(ServersIntegration, DebugCredentialsShowsNothingOfADatabasePassword) {
  pqxx::connection probe(stack_->postgres_conninfo());
  auto server = start_own_server("postgres-mcp", {"--db-host", probe.hostname(), "--db-port", probe.port(),
                                                  "--debug-credentials"});
  http::Client client(server.url);
  const auto response = client.get("/debug/credentials", {{"Authorization", "Bearer " + token_for("alice")}});
  ASSERT_EQ(response.status, 200) << response.body;
  const Json trace = Json::parse(response.body);
  EXPECT_EQ(trace["vault_path"], "database/creds/alice");
  EXPECT_THAT(trace["credential"].get<std::string>(), ::testing::MatchesRegex("v-[^ ]+ \\(password not shown\\)"));
}

}  // namespace
}  // namespace mcph::harness
