// The MCP servers under test, end to end on a real local stack: PostgreSQL, mock-keycloak,
// mock-vault, the mock backends and the three MCP servers, provisioned through the public
// APIs. Every claim the reference servers make has its own test here.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>
#include <pqxx/pqxx>
#include <atomic>
#include <chrono>
#include <cstdint>
#include <ctime>
#include <fstream>
#include <map>
#include <thread>
#include <vector>

#include "mcph/harness/stack/local_stack.h"
#include "mcph/harness/stack/stack_tokens.h"
#include "mcph/harness/fixtures/user_fixtures.h"
#include "mcph/http/client.h"
#include "mcph/http/trace_context.h"
#include "mcph/proc/service.h"
#include "mcph/codec/base64.h"
#include "mcph/jose/dpop.h"
#include "mcph/jose/jwt.h"
#include "mcph/mcp/client.h"
#include "mcph/oidc/token_client.h"

namespace mcph::harness {
namespace {

using namespace std::chrono_literals;
using ::testing::HasSubstr;
using ::testing::StartsWith;
using Json = nlohmann::json;

class ServersIntegration : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    StackParams options;
    options.generated_users = 2;
    stack_ = LocalStack::up(options).release();
  }
  static void TearDownTestSuite() {
    delete stack_;
    stack_ = nullptr;
  }

  static const StackFile& stack() { return stack_->stack(); }
  static std::string realm_url() { return stack().service("keycloak").url + "/realms/" + stack().realm; }

  static std::string password_of(const std::string& username) {
    for (const auto& user : stack_->provisioned().users) {
      if (user.fixture.username == username) return user.fixture.password;
    }
    throw std::runtime_error("no such fixture user " + username);
  }
  // A token for every MCP server of the stack, as the runner gets them.
  static std::string token_for(const std::string& username, const std::string& client = "mcp-client") {
    return user_access_token(stack(), {}, username, password_of(username), client);
  }
  static std::string user_id(const std::string& username) {
    for (const auto& user : stack_->provisioned().users) {
      if (user.fixture.username == username) return user.id;
    }
    throw std::runtime_error("no such fixture user " + username);
  }

  // An initialized MCP session with `server` as `username`.
  static mcp::Client session(const std::string& server, const std::string& username) {
    mcp::Client client(stack().service(server).url);
    client.set_header("Authorization", "Bearer " + token_for(username));
    const auto init = client.connect();
    EXPECT_TRUE(init.ok()) << server << " initialize as " << username << ": " << init.http_status << " " << init.body;
    return client;
  }

  static Json ledger(const std::string& backend) {
    http::Client client(stack().service(backend).url);
    return Json::parse(client.get("/_ledger").body);
  }
  static void clear_ledger(const std::string& backend) {
    http::Client client(stack().service(backend).url);
    ASSERT_LT(client.request("DELETE", "/_ledger").status, 300);
  }

  // A server of the stack's kind started by a test for itself (a tight rate limit, another
  // client allowed), against the shared stack's Keycloak, Vault and backends.
  static proc::StartedService start_own_server(const std::string& name, std::vector<std::string> extra) {
    proc::SpawnOptions spawn;
    spawn.name = name + "-own";
    spawn.argv = {service_binary(name), "--port", "0", "--issuer", realm_url(), "--vault-url",
                  stack().service("vault").url,
                  // Its resource URL is new to the realm: it takes the audience every token of
                  // the realm's user-facing clients carries.
                  "--audience", "mcp-client"};
    spawn.env = {{"MCPH_CLIENT_SECRET", realm_client_secret(FixtureFiles::in(default_fixtures_dir()), name)}};
    spawn.argv.insert(spawn.argv.end(), extra.begin(), extra.end());
    return proc::start_service(spawn);
  }

  static LocalStack* stack_;
};
LocalStack* ServersIntegration::stack_ = nullptr;

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
                        {"mcp-client", realm_client_secret(FixtureFiles::in(fixtures_or_default({})), "mcp-client")});
  idp.bind_to(key);
  const oidc::TokenResponse bound = idp.password_grant("alice", password_of("alice"), mcp_scopes(stack()));
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

// Creates a client in the realm through Keycloak's admin API (as one would on a real
// Keycloak): direct grants on, the audience mapper, plus the given mappers and attributes.
void create_client(const std::string& keycloak, const std::string& realm, const std::string& client_id,
                   const Json& attributes, Json mappers) {
  oidc::TokenClient master(keycloak + "/realms/master", {"admin-cli", ""});
  const std::string admin = master.password_grant("admin", "admin").access_token;
  // mcp-client: what the test's own servers take (--audience); jira-mcp and github-mcp: the
  // clients the servers exchange such tokens as (Keycloak wants the requester in the audience).
  for (const char* audience : {"mcp-client", "jira-mcp", "github-mcp"}) {
    mappers.push_back({{"name", std::string("audience ") + audience},
                       {"protocol", "openid-connect"},
                       {"protocolMapper", "oidc-audience-mapper"},
                       {"config", {{"included.client.audience", audience}, {"access.token.claim", "true"}}}});
  }
  const Json client = {{"clientId", client_id},       {"secret", client_id + "-secret"},
                       {"enabled", true},             {"publicClient", false},
                       {"directAccessGrantsEnabled", true}, {"attributes", attributes},
                       {"protocolMappers", mappers}};
  http::Client http(keycloak);
  const auto response = http.post("/admin/realms/" + realm + "/clients", client.dump(), "application/json",
                                  {{"Authorization", "Bearer " + admin}});
  ASSERT_TRUE(response.status == 201 || response.status == 409) << response.status << " " << response.body;
}

TEST_F(ServersIntegration, ExpiredTokenGets401InvalidToken) {
  // mcp-client-short-lived issues 10-second tokens (fixtures/keycloak/realm-mcp-demo.json).
  const std::string token = token_for("alice", "mcp-client-short-lived");
  mcp::Client fresh(stack().service("jira-mcp").url);
  fresh.set_header("Authorization", "Bearer " + token);
  ASSERT_TRUE(fresh.initialize().ok()) << "valid while it lives";
  // The expiry itself is what is under test: wait until one second past the token's exp.
  const auto exp = Json::parse(*jose::unverified_payload(token)).at("exp").get<std::int64_t>();
  std::this_thread::sleep_until(std::chrono::system_clock::from_time_t(static_cast<std::time_t>(exp + 1)));
  const auto call = fresh.call_tool("get_issue", R"({"issue_key":"DEMO-1"})");
  EXPECT_EQ(call.rpc.http_status, 401);
  EXPECT_THAT(call.rpc.header("WWW-Authenticate"), HasSubstr(R"(error="invalid_token")"));
  EXPECT_THAT(call.rpc.header("WWW-Authenticate"), HasSubstr("expired"));
}

// A token that really is alice's (her sub, signed by the realm) but whose preferred_username
// claim says bob: the servers take the entity from Vault, so alice gets alice's data only.
TEST_F(ServersIntegration, PreferredUsernameClaimCannotPickAnotherUsersSecrets) {
  create_client(stack().service("keycloak").url, stack().realm, "claims-bob", Json::object(),
                Json::array({{{"name", "username says bob"},
                              {"protocol", "openid-connect"},
                              {"protocolMapper", "oidc-hardcoded-claim-mapper"},
                              {"config",
                               {{"claim.name", "preferred_username"},
                                {"claim.value", "bob"},
                                {"jsonType.label", "String"},
                                {"access.token.claim", "true"}}}}}));
  oidc::TokenClient client(realm_url(), {"claims-bob", "claims-bob-secret"});
  const std::string token = client.password_grant("alice", password_of("alice")).access_token;
  // The stack's servers take only tokens issued for them (their resource URL) to the realm's
  // user-facing clients: claims-bob's are refused there. Servers of our own that take its
  // audience and allow claims-bob show what the claim does.
  mcp::Client stack_github(stack().service("github-mcp").url);
  stack_github.set_header("Authorization", "Bearer " + token);
  const auto refused = stack_github.initialize();
  EXPECT_EQ(refused.http_status, 401);
  EXPECT_THAT(refused.header("WWW-Authenticate"), HasSubstr("wrong_audience"));
  auto github_server = start_own_server("github-mcp", {"--github-url", stack().service("github-api").url,
                                                        "--allowed-client", "claims-bob"});
  auto jira_server = start_own_server("jira-mcp", {"--jira-url", stack().service("jira-api").url,
                                                    "--allowed-client", "claims-bob"});
  const auto second_dot = token.rfind('.');
  const Json claims = Json::parse(*codec::base64url_decode(token.substr(token.find('.') + 1, second_dot - token.find('.') - 1)));
  ASSERT_EQ(claims["preferred_username"], "bob") << "the mapper must have spoofed the claim for this test to mean anything";
  ASSERT_EQ(claims["sub"], user_id("alice"));

  clear_ledger("github-api");
  mcp::Client github(github_server.url + "/mcp");
  github.set_header("Authorization", "Bearer " + token);
  ASSERT_TRUE(github.connect().ok());
  ASSERT_TRUE(github.call_tool("list_repos", "{}").ok());
  const Json entries = ledger("github-api");
  ASSERT_EQ(entries.size(), 1u);
  EXPECT_EQ(entries[0]["credential_of"], "alice");
  // And alice has Jira credentials where bob has none: the call succeeds as alice.
  mcp::Client jira(jira_server.url + "/mcp");
  jira.set_header("Authorization", "Bearer " + token);
  ASSERT_TRUE(jira.connect().ok());
  EXPECT_TRUE(jira.call_tool("list_issues", "{}").ok());
}

// The rate limit is a property of one server process: this test starts its own jira-mcp with
// a tight limit against the shared stack, so the other tests are not throttled.
TEST_F(ServersIntegration, RateLimitAnswers429ForOneSubjectOnly) {
  auto server = start_own_server("jira-mcp", {"--jira-url", stack().service("jira-api").url, "--rate-limit", "4",
                                              "--rate-window-ms", "60000"});
  const std::string url = server.url + "/mcp";

  mcp::Client limited(url);
  limited.set_header("Authorization", "Bearer " + token_for("user0001"));
  ASSERT_TRUE(limited.connect().ok());  // initialize + initialized: 2 of 4
  int ok = 0, throttled = 0;
  std::string retry_after;
  for (int i = 0; i < 6; ++i) {
    const auto call = limited.call_tool("list_issues", "{}");
    if (call.rpc.http_status == 429) {
      ++throttled;
      retry_after = call.rpc.header("Retry-After");
      ASSERT_TRUE(call.rpc.error.has_value()) << "429 carries a JSON-RPC error: " << call.rpc.body;
    } else {
      ++ok;
    }
  }
  EXPECT_EQ(ok, 2);
  EXPECT_EQ(throttled, 4);
  EXPECT_GE(std::stoi(retry_after), 1);

  mcp::Client other(url);
  other.set_header("Authorization", "Bearer " + token_for("user0002"));
  ASSERT_TRUE(other.connect().ok()) << "another subject is unaffected";
  EXPECT_TRUE(other.call_tool("list_issues", "{}").ok());
}

// The provisioner has Vault audit traceparent in the clear, and the server sends the tool call's
// traceparent on the Vault requests it makes for it: the call's entries are found by trace-id
// and they are alice's.
TEST_F(ServersIntegration, VaultAuditEntriesCarryTheToolCallsTraceparent) {
  auto alice = session("jira-mcp", "alice");
  const http::TraceParent trace = http::new_trace();
  alice.set_header("traceparent", http::format_traceparent(trace));
  ASSERT_TRUE(alice.call_tool("list_issues", "{}").ok());

  std::string alice_entity;
  for (const auto& user : stack_->provisioned().users) {
    if (user.fixture.username == "alice") alice_entity = user.entity_id;
  }
  std::ifstream audit(stack().service("vault").vault.audit_log);
  int reads = 0;
  std::string seen;
  for (std::string line; std::getline(audit, line);) {
    const Json entry = Json::parse(line, nullptr, false);
    if (!entry.is_object() || entry.value("type", "") != "response") continue;
    const Json headers = entry["request"].value("headers", Json::object());
    const Json values = headers.value("traceparent", Json::array());
    if (values.size() != 1 || http::parse_traceparent(values[0].get<std::string>())->trace_id != trace.trace_id) continue;
    const std::string path = entry["request"].value("path", "");
    seen += path + " ";
    if (path == "auth/jwt/login") continue;  // made with no token yet: its entry names no entity
    EXPECT_EQ(entry["auth"].value("entity_id", ""), alice_entity) << line;
    if (path == "secret/data/users/alice/jira") ++reads;
  }
  EXPECT_EQ(reads, 1) << "the KV read made for this call carries its trace-id; its entries: " << seen;
}

TEST_F(ServersIntegration, WarmCallsReuseTheVaultSession) {
  auto alice = session("github-mcp", "alice");
  for (int i = 0; i < 5; ++i) ASSERT_TRUE(alice.call_tool("list_repos", "{}").ok());
  // The broker looks its token up once per Vault login; the audit log names the entity of
  // every request, so counting alice's lookups counts her logins.
  std::string alice_entity;
  for (const auto& user : stack_->provisioned().users) {
    if (user.fixture.username == "alice") alice_entity = user.entity_id;
  }
  std::ifstream audit(stack().service("vault").vault.audit_log);
  int logins = 0;
  for (std::string line; std::getline(audit, line);) {
    const Json entry = Json::parse(line, nullptr, false);
    if (entry.is_object() && entry.value("type", "") == "response" &&
        entry["request"].value("path", "") == "auth/token/lookup-self" && entry.contains("auth") &&
        entry["auth"].value("entity_id", "") == alice_entity) {
      ++logins;
    }
  }
  EXPECT_GE(logins, 1) << "the audit log must show alice's logins for this check to mean anything";
  EXPECT_LE(logins, 8) << "at most one login per server process alice used in this suite (the stack's 3, the claims "
                          "test's own 2, the debug trace tests' own 3)";
}

// How a scenario runner tells its own backend requests from those of suites running in
// parallel: the W3C traceparent of the MCP request reaches the backend ledger as trace_id.
TEST_F(ServersIntegration, TraceparentOfAToolCallReachesTheBackendLedger) {
  const std::string trace_id = "4bf92f3577b34da6a3ce929d0e0e4736";
  const http::Fields traced{{"traceparent", "00-" + trace_id + "-00f067aa0ba902b7-01"}};
  auto traced_ledger = [&](const std::string& backend) {
    http::Client client(stack().service(backend).url);
    return Json::parse(client.get("/_ledger?trace_id=" + trace_id).body);
  };
  clear_ledger("jira-api");
  clear_ledger("github-api");
  auto jira = session("jira-mcp", "alice");
  auto github = session("github-mcp", "alice");
  ASSERT_TRUE(jira.call_tool("get_issue", R"({"issue_key":"DEMO-1"})", traced).ok());
  ASSERT_TRUE(github.call_tool("list_repos", "{}", traced).ok());
  ASSERT_TRUE(jira.call_tool("get_issue", R"({"issue_key":"DEMO-2"})").ok());
  ASSERT_TRUE(jira.call_tool("get_issue", R"({"issue_key":"DEMO-3"})", {{"traceparent", "00-not-a-trace-01"}}).ok())
      << "a malformed traceparent is ignored, never an error";

  const Json jira_traced = traced_ledger("jira-api");
  ASSERT_EQ(jira_traced.size(), 1u) << jira_traced.dump();
  EXPECT_EQ(jira_traced[0]["path"], "/rest/api/3/issue/DEMO-1");
  EXPECT_EQ(jira_traced[0]["trace_id"], trace_id);
  EXPECT_EQ(jira_traced[0]["credential_of"], "alice");
  const Json github_traced = traced_ledger("github-api");
  ASSERT_EQ(github_traced.size(), 1u) << github_traced.dump();
  EXPECT_EQ(github_traced[0]["route"], "/user/repos");

  const Json jira_all = ledger("jira-api");
  ASSERT_EQ(jira_all.size(), 3u) << jira_all.dump();
  EXPECT_EQ(jira_all[1]["path"], "/rest/api/3/issue/DEMO-2");
  EXPECT_EQ(jira_all[1]["trace_id"], "");
  EXPECT_EQ(jira_all[2]["path"], "/rest/api/3/issue/DEMO-3");
  EXPECT_EQ(jira_all[2]["trace_id"], "");
}

// Each MCP server under concurrent clients: two users on two sessions each, at once, from cold
// (their Vault logins, the broker's session cache and the rate limiter's buckets raced), so
// that under the tsan preset ThreadSanitizer watches the servers', mock-vault's and
// mock-keycloak's handlers. A report kills that process (halt_on_error) and leaves its log.
TEST_F(ServersIntegration, EachServerAnswersConcurrentClients) {
  const std::vector<std::pair<std::string, std::string>> calls = {
      {"jira-mcp", R"({"issue_key":"DEMO-1"})"}, {"github-mcp", "{}"}, {"postgres-mcp", R"({"query":"SELECT 1 AS one"})"}};
  const std::map<std::string, std::string> tools = {
      {"jira-mcp", "get_issue"}, {"github-mcp", "list_repos"}, {"postgres-mcp", "execute_query"}};
  for (const auto& [server, arguments] : calls) {
    std::atomic<int> answered{0};
    std::vector<std::thread> clients;
    for (const std::string user : {"alice", "bob", "alice", "bob"}) {
      clients.emplace_back([&, user, server = server, arguments = arguments] {
        try {
          auto client = session(server, user);
          for (int call = 0; call < 3; ++call) {
            const auto result = client.call_tool(tools.at(server), arguments);
            if (result.rpc.ok()) ++answered;  // a JSON-RPC result (bob has no Jira credential: a tool error)
          }
        } catch (const std::exception&) {
          // The server died: counted as unanswered.
        }
      });
    }
    for (auto& thread : clients) thread.join();
    EXPECT_EQ(answered.load(), 12) << server;
  }
  for (const std::string service : {"jira-mcp", "github-mcp", "postgres-mcp", "vault", "keycloak"}) {
    std::ifstream log(stack().service(service).log);
    const std::string text((std::istreambuf_iterator<char>(log)), std::istreambuf_iterator<char>());
    EXPECT_THAT(text, ::testing::Not(HasSubstr("ThreadSanitizer"))) << service;
  }
}

}  // namespace
}  // namespace mcph::harness
