// The MCP servers under test, end to end on a real local stack: each user's call reaches the
// backend with that user's own credential, and nobody else's; a user without one gets a clear
// error and reaches nothing. Every claim the reference servers make has its own test here or in
// servers_transport_test.cpp and servers_token_test.cpp.
#include "servers_integration.h"

namespace mcph::harness {
namespace {

using namespace servers_test;
using ::testing::HasSubstr;
using ::testing::StartsWith;

TEST_F(ServersIntegration, AlicesJiraCallReachesJiraWithAlicesCredential) {
  clear_ledger("jira-api");
  auto alice = session("jira-mcp", "alice");
  const auto call = alice.call_tool("get_issue", R"({"issue_key":"DEMO-1"})");
  ASSERT_TRUE(call.ok()) << call.rpc.body;
  EXPECT_THAT(call.text(), HasSubstr("DEMO-1"));
  const Json entries = ledger("jira-api");
  ASSERT_EQ(entries.size(), 1u) << entries.dump();
  EXPECT_EQ(entries[0]["credential_of"], "alice") << entries.dump();
  EXPECT_THAT(entries[0].dump(), HasSubstr("/rest/api/3/issue/DEMO-1"));
  // Jira Cloud's scheme: Basic with the e-mail address and the API token.
  EXPECT_EQ(entries[0]["scheme"], "basic");
  EXPECT_EQ(entries[0]["credential_field"], "api_token");
}

// A user whose client binds its tokens (DPoP, RFC 9449) uses the servers with a fresh proof of
// the key per request: the bound token is hers at every step, to Vault and the backend; a proof
// is good for one request only.
TEST_F(ServersIntegration, AlicesDpopBoundTokenWithAProofPerRequestReachesJiraWithAlicesCredential) {
  const jose::Key key = jose::Key::generate_ec_p256();
  oidc::TokenClient idp(realm_url(),
                        {"mcp-client", fixtures::realm_client_secret(fixtures::FixtureFiles::in(fixtures::fixtures_or_default({})), "mcp-client")});
  idp.bind_to(key);
  const oidc::TokenResponse bound = idp.password_grant("alice", password_of("alice"), stack::mcp_scopes(stack()));
  ASSERT_EQ(bound.token_type, "DPoP");
  const std::string endpoint = stack().service("jira-mcp").url;
  const auto proof = [&] {
    jose::DpopProofRequest request;
    request.htm = "POST";
    request.htu = endpoint;
    request.access_token = bound.access_token;
    return http::Fields{{"DPoP", jose::create_dpop_proof(key, request)}};
  };
  clear_ledger("jira-api");
  mcp::Client alice(endpoint);
  alice.set_header("Authorization", "DPoP " + bound.access_token);
  ASSERT_TRUE(alice.initialize(proof()).ok());
  ASSERT_TRUE(alice.notify("notifications/initialized", "", proof()).http_status < 300);
  const http::Fields once = proof();
  const auto call = alice.call_tool("get_issue", R"({"issue_key":"DEMO-1"})", once);
  ASSERT_TRUE(call.ok()) << call.rpc.http_status << " " << call.rpc.body;
  const Json entries = ledger("jira-api");
  ASSERT_EQ(entries.size(), 1u) << entries.dump();
  EXPECT_EQ(entries[0]["credential_of"], "alice") << entries.dump();

  const auto replayed = alice.call_tool("get_issue", R"({"issue_key":"DEMO-1"})", once);
  EXPECT_EQ(replayed.rpc.http_status, 401);
  EXPECT_THAT(replayed.rpc.header("WWW-Authenticate"), StartsWith("DPoP "));
  const auto without = alice.call_tool("get_issue", R"({"issue_key":"DEMO-1"})");
  EXPECT_EQ(without.rpc.http_status, 401);
  EXPECT_EQ(ledger("jira-api").size(), 1u) << "neither refused call reached Jira";
}

// The provisioner writes every field of the fixture to the user's Vault secret, at the path and
// under the names the demo's servers read (its jira server sends username:password).
TEST_F(ServersIntegration, VaultHoldsEveryFieldOfTheUsersSecrets) {
  http::Client vault(stack().service("vault").url);
  const http::Fields root = {{"X-Vault-Token", stack().service("vault").vault.token}};
  const Json jira = Json::parse(vault.get("/v1/secret/data/users/alice/jira", root).body)["data"]["data"];
  for (const char* field : {"username", "email", "password", "api_token", "personal_access_token"}) {
    EXPECT_TRUE(jira.contains(field) && jira[field].is_string() && !jira[field].get<std::string>().empty()) << field;
  }
  const Json github = Json::parse(vault.get("/v1/secret/data/users/bob/github", root).body)["data"]["data"];
  EXPECT_EQ(github["username"], "bob-github");
  EXPECT_TRUE(github.contains("token"));
}

// The original demo's tables and rows, read by each user's dynamic role as its client reads them.
TEST_F(ServersIntegration, TheDemosTablesAreReadableWithEachUsersDynamicRole) {
  for (const char* user : {"alice", "bob"}) {
    auto client = session("postgres-mcp", user);
    const auto users = client.call_tool("execute_query", R"({"query":"SELECT * FROM users LIMIT 10;"})");
    ASSERT_TRUE(users.ok()) << users.text();
    const Json rows = Json::parse(users.structured_content)["rows"];
    ASSERT_EQ(rows.size(), 3u) << rows.dump();
    EXPECT_EQ(rows[0]["username"], "alice");
    EXPECT_EQ(rows[2]["email"], "charlie@example.com");
    const auto joined = client.call_tool(
        "execute_query",
        R"({"query":"SELECT u.username, p.name, o.total_price::text AS total FROM orders o JOIN users u ON u.id = o.user_id JOIN products p ON p.id = o.product_id ORDER BY o.id"})");
    ASSERT_TRUE(joined.ok()) << joined.text();
    const Json orders = Json::parse(joined.structured_content)["rows"];
    ASSERT_EQ(orders.size(), 4u) << orders.dump();
    EXPECT_EQ(orders[0]["name"], "Laptop");
    EXPECT_EQ(orders[3]["username"], "bob");
    EXPECT_EQ(orders[3]["total"], "399.99");
  }
}

TEST_F(ServersIntegration, BobsJiraCallIsAMissingCredentialErrorAndReachesNothing) {
  clear_ledger("jira-api");
  auto bob = session("jira-mcp", "bob");
  const auto call = bob.call_tool("list_issues", "{}");
  EXPECT_TRUE(call.rpc.ok()) << "a tool error, not a protocol error: " << call.rpc.body;
  EXPECT_TRUE(call.is_error);
  EXPECT_THAT(call.text(), HasSubstr("no Jira credentials stored for bob"));
  EXPECT_TRUE(ledger("jira-api").empty()) << "no fallback to anyone else's credential";
}

TEST_F(ServersIntegration, CarolHasNoCredentialsAnywhere) {
  auto jira = session("jira-mcp", "carol");
  EXPECT_THAT(jira.call_tool("list_issues", "{}").text(), HasSubstr("no Jira credentials stored for carol"));
  auto github = session("github-mcp", "carol");
  EXPECT_THAT(github.call_tool("list_repos", "{}").text(), HasSubstr("no GitHub credentials stored for carol"));
}

TEST_F(ServersIntegration, GithubCallsUseEachUsersOwnToken) {
  clear_ledger("github-api");
  auto alice = session("github-mcp", "alice");
  auto bob = session("github-mcp", "bob");
  ASSERT_TRUE(alice.call_tool("list_repos", "{}").ok());
  ASSERT_TRUE(bob.call_tool("list_repos", "{}").ok());
  const Json entries = ledger("github-api");
  ASSERT_EQ(entries.size(), 2u) << entries.dump();
  EXPECT_EQ(entries[0]["credential_of"], "alice");
  EXPECT_EQ(entries[1]["credential_of"], "bob");
}

TEST_F(ServersIntegration, AliceAndBobQueryPostgresAsDifferentDynamicRoles) {
  auto alice = session("postgres-mcp", "alice");
  auto bob = session("postgres-mcp", "bob");
  const auto a = alice.call_tool("execute_query", R"({"query":"SELECT current_user AS who"})");
  const auto b = bob.call_tool("execute_query", R"({"query":"SELECT current_user AS who"})");
  ASSERT_TRUE(a.ok()) << a.text();
  ASSERT_TRUE(b.ok()) << b.text();
  const std::string alice_role = Json::parse(a.structured_content)["rows"][0]["who"];
  const std::string bob_role = Json::parse(b.structured_content)["rows"][0]["who"];
  EXPECT_NE(alice_role, bob_role);
  EXPECT_THAT(alice_role, StartsWith("v-"));
  EXPECT_THAT(alice_role, HasSubstr("alice"));
  EXPECT_THAT(bob_role, HasSubstr("bob"));
  // Both roles exist in PostgreSQL itself.
  pqxx::connection connection(stack_->postgres_conninfo());
  pqxx::nontransaction tx(connection);
  EXPECT_EQ(tx.exec_params("SELECT count(*) FROM pg_roles WHERE rolname IN ($1, $2)", alice_role, bob_role)[0][0].as<int>(), 2);
  // The same lease is reused while it is valid.
  const auto again = alice.call_tool("execute_query", R"({"query":"SELECT current_user AS who"})");
  EXPECT_EQ(Json::parse(again.structured_content)["rows"][0]["who"], alice_role);
}

TEST_F(ServersIntegration, TamperedTokenGets401WithTheChallenge) {
  std::string token = token_for("alice");
  const auto first = token.find('.'), second = token.find('.', first + 1);
  Json claims = Json::parse(*codec::base64url_decode(token.substr(first + 1, second - first - 1)));
  claims["sub"] = user_id("bob");
  claims["preferred_username"] = "bob";
  token = token.substr(0, first + 1) + codec::base64url_encode(claims.dump()) + token.substr(second);

  mcp::Client client(stack().service("jira-mcp").url);
  client.set_header("Authorization", "Bearer " + token);
  const auto init = client.initialize();
  EXPECT_EQ(init.http_status, 401);
  EXPECT_THAT(init.header("WWW-Authenticate"), HasSubstr(R"(error="invalid_token")"));
  EXPECT_THAT(init.header("WWW-Authenticate"), HasSubstr("resource_metadata="));
  EXPECT_THAT(init.header("WWW-Authenticate"), HasSubstr("bad_signature"));
}

TEST_F(ServersIntegration, MissingTokenGetsTheBareChallenge) {
  mcp::Client client(stack().service("github-mcp").url);
  const auto init = client.initialize();
  EXPECT_EQ(init.http_status, 401);
  EXPECT_THAT(init.header("WWW-Authenticate"), StartsWith("Bearer resource_metadata="));
  EXPECT_THAT(init.header("WWW-Authenticate"), ::testing::Not(HasSubstr("error=")));
}

}  // namespace
}  // namespace mcph::harness
