// The reference servers and the caller's token: an expired one, a claim that names another user,
// a client of the realm's own, the rate limit per subject, trace context to Vault and the
// backends, the warm Vault session, and concurrent clients.
#include "servers_integration.h"

namespace mcph::harness {
namespace {

using namespace servers_test;
using ::testing::HasSubstr;

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
