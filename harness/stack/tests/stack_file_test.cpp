#include "mcph/harness/stack/stack_file.h"
#include "mcph/harness/stack/network_view.h"
#include "mcph/harness/stack/spire_server_cli.h"
#include "mcph/harness/stack/stack_params.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <sys/stat.h>

#include <stdexcept>

#include "mcph/harness/fixtures/text_file.h"
#include "mcph/proc/temp_dir.h"

namespace mcph::harness::stack {
namespace {

namespace fs = std::filesystem;

// What StackFile::parse says of `json` (as file s.json); "(parsed)" when it takes it.
std::string parse_error(const std::string& json) {
  try {
    StackFile::parse(json, "s.json");
  } catch (const std::runtime_error& e) {
    return std::string(e.what());
  }
  return std::string("(parsed)");
}

// What StackFile::parse says of a server entry my-mcp whose `key` is `value` (JSON).
std::string entry_error(const std::string& key, const std::string& value) {
  return parse_error(R"({"services": {"my-mcp": {"url": "http://h/mcp", ")" + key + R"(": )" + value + "}}}");
}

TEST(StackFile, SkipsCommentsAHandWrittenFileCarries) {
  const StackFile stack = StackFile::parse("// written by hand: check the url\n"
                                           "{\"mode\": \"external\", /* one server */ \"services\": {\n"
                                           "  \"jira-mcp\": {\"url\": \"http://127.0.0.1:9/mcp\"} // its endpoint\n}}\n",
                                           "s.json");
  EXPECT_EQ(stack.mode, StackMode::external);
  EXPECT_EQ(stack.service("jira-mcp").url, "http://127.0.0.1:9/mcp");
  EXPECT_THAT(parse_error("# not a JSON comment\n{\"services\": {}}"), ::testing::HasSubstr("not a JSON object"));
}

StackFile local_stack_with_supervisor() {
  StackFile stack;
  stack.mode = StackMode::local;
  ServiceEntry& keycloak = stack.services["keycloak"];
  keycloak.url = "http://127.0.0.1:41001";
  keycloak.pid = 1234;
  keycloak.log = "/run/keycloak.log";
  keycloak.idp.admin_user = "admin";
  keycloak.idp.admin_password = "admin";
  ServiceEntry& jira = stack.services["jira-mcp"];
  jira.url = "http://127.0.0.1:41006/mcp";
  jira.pid = 1240;
  jira.log = "/run/jira-mcp.log";
  jira.mcp.transport = "streamable-http";
  jira.mcp.behind_fault_proxy = {"vault", "jira-api"};
  jira.mcp.clients = {"mcp-client", "mcp-client-short-lived"};
  SupervisorEntry supervisor;
  supervisor.pid = 1200;
  supervisor.log = "/run/supervisor.log";
  supervisor.start_ticks = 987654321012ULL;
  supervisor.removes_run_dir = true;
  stack.supervisor = supervisor;
  return stack;
}

TEST(StackFileTest, SupervisorKeySurvivesARoundTrip) {
  const StackFile original = local_stack_with_supervisor();
  const StackFile parsed = StackFile::parse(original.to_json());
  ASSERT_TRUE(parsed.supervisor.has_value());
  EXPECT_EQ(parsed.supervisor->pid, 1200);
  EXPECT_EQ(parsed.supervisor->log, "/run/supervisor.log");
  EXPECT_EQ(parsed.supervisor->start_ticks, 987654321012ULL);
  EXPECT_TRUE(parsed.supervisor->removes_run_dir);
  // The existing keys are unchanged by the added one.
  EXPECT_EQ(parsed.mode, StackMode::local);
  EXPECT_EQ(parsed.realm, "mcp-demo");
  EXPECT_EQ(parsed.service("keycloak").pid, 1234);
  EXPECT_EQ(parsed.service("keycloak").log, "/run/keycloak.log");
  EXPECT_EQ(parsed.service("keycloak").idp.admin_password, "admin");
  EXPECT_EQ(parsed.service("jira-mcp").url, "http://127.0.0.1:41006/mcp");
  EXPECT_EQ(parsed.service("jira-mcp").mcp.transport, "streamable-http");
  EXPECT_EQ(parsed.service("jira-mcp").mcp.behind_fault_proxy, (std::vector<std::string>{"vault", "jira-api"}));
  EXPECT_EQ(parsed.service("jira-mcp").mcp.clients, (std::vector<std::string>{"mcp-client", "mcp-client-short-lived"}));
  EXPECT_EQ(parsed.to_json(), original.to_json());
}

TEST(StackFileTest, TheIdentityProviderAndACognitoPoolSurviveARoundTrip) {
  StackFile stack;
  stack.idp = idp::IdentityProviderKind::cognito;
  ServiceEntry& cognito = stack.services["cognito"];
  cognito.url = "http://127.0.0.1:41001";
  cognito.idp.pool_id = "us-east-1_AbCdEfGhI";
  cognito.idp.app_client_id = "client26";
  cognito.idp.app_client_secret = "secret51";
  cognito.idp.issuer = "https://cognito-idp.us-east-1.amazonaws.com/us-east-1_AbCdEfGhI";
  const StackFile parsed = StackFile::parse(stack.to_json());
  EXPECT_EQ(parsed.idp, idp::IdentityProviderKind::cognito);
  EXPECT_EQ(parsed.service("cognito").idp.pool_id, "us-east-1_AbCdEfGhI");
  EXPECT_EQ(parsed.service("cognito").idp.app_client_id, "client26");
  EXPECT_EQ(parsed.service("cognito").idp.app_client_secret, "secret51");
  EXPECT_EQ(parsed.service("cognito").idp.issuer, cognito.idp.issuer);
  EXPECT_EQ(parsed.to_json(), stack.to_json());
}

// An identity provider the harness does not administer: its issuer, and where its identities'
// secrets are, beside the stack file (never the secrets themselves).
TEST(StackFileTest, AnOidcProvidersIdentitiesFileIsFoundBesideTheStackFile) {
  StackFile stack = StackFile::parse(
      R"({"mode": "external", "idp": "oidc", "services": {"oidc": {"url": "https://idp.example/realms/team",
          "issuer": "https://idp.example/realms/team", "identities_file": "secrets/identities.yaml",
          "vault_audience": "api://mcp-servers"}}})");
  EXPECT_EQ(stack.idp, idp::IdentityProviderKind::oidc);
  EXPECT_EQ(stack.identity_provider().service(), "oidc");
  stack.directory = "/etc/team";
  const idp::IdentityProviderSite site = stack.identity_provider_site({});
  EXPECT_EQ(site.fields.identities_file, "/etc/team/secrets/identities.yaml");
  EXPECT_EQ(site.fields.issuer, "https://idp.example/realms/team");
  EXPECT_EQ(site.fields.vault_audience, "api://mcp-servers");
  EXPECT_EQ(StackFile::parse(stack.to_json()).to_json(), stack.to_json());
}

TEST(StackFileTest, AFileWithoutIdpNamesItByItsServices) {
  EXPECT_EQ(StackFile::parse(R"({"services": {"keycloak": {"url": "http://k"}}})").idp, idp::IdentityProviderKind::keycloak);
  EXPECT_EQ(StackFile::parse(R"({"services": {"cognito": {"url": "http://c"}}})").idp, idp::IdentityProviderKind::cognito);
  try {
    StackFile::parse(R"({"idp": "okta", "services": {}})", "stack.json");
    FAIL() << "an unknown idp was taken";
  } catch (const std::runtime_error& e) {
    EXPECT_STREQ(e.what(), "stack.json: idp must be keycloak, cognito or oidc, not \"okta\"");
  }
}

TEST(StackFileTest, NoSupervisorKeyWithoutASupervisor) {
  StackFile stack = local_stack_with_supervisor();
  stack.supervisor.reset();
  EXPECT_EQ(stack.to_json().find("supervisor"), std::string::npos);
  EXPECT_FALSE(StackFile::parse(stack.to_json()).supervisor.has_value());
}

TEST(StackFileTest, HandWrittenExternalStackWithLegacySsePostParses) {
  // What a user writes for the original Python demo's servers (docs/design.md, external mode).
  const StackFile stack = StackFile::parse(R"({
    "mode": "external",
    "realm": "mcp-demo",
    "services": {
      "keycloak":    {"url": "http://127.0.0.1:8080", "admin_user": "admin", "admin_password": "admin"},
      "vault":       {"url": "http://127.0.0.1:8200", "token": "root-token"},
      "postgres":    {"url": "postgresql://postgres:postgres@127.0.0.1:5432/mcp_demo"},
      "jira-mcp":    {"url": "http://127.0.0.1:3001/sse", "transport": "legacy-sse-post"},
      "github-mcp":  {"url": "http://127.0.0.1:3002/mcp", "transport": "streamable-http"}
    }
  })", "external.json");
  EXPECT_EQ(stack.mode, StackMode::external);
  EXPECT_FALSE(stack.supervisor.has_value());
  EXPECT_EQ(stack.service("jira-mcp").mcp.transport, "legacy-sse-post");
  EXPECT_EQ(stack.service("jira-mcp").url, "http://127.0.0.1:3001/sse");
  EXPECT_EQ(stack.service("jira-mcp").pid, 0);
  EXPECT_EQ(stack.service("vault").vault.token, "root-token");
  EXPECT_EQ(stack.service("postgres").url, "postgresql://postgres:postgres@127.0.0.1:5432/mcp_demo");
}

// A key the harness does not know is a typo until shown otherwise: silently ignored, it would let
// the harness fall back to a default the file meant to change. Each is named with where it is.
TEST(StackFileTest, UnknownKeysAreRefusedWithWhereTheyAre) {
  EXPECT_THAT(parse_error(R"({"mode": "external", "services": {}, "generated_user": 3})"),
            ::testing::StartsWith("s.json: unknown key \"generated_user\" (the closest known: generated_users, "));
  EXPECT_THAT(parse_error(R"({"services": {"foreign-mcp": {"url": "http://127.0.0.1:9/mcp", "corelation": "window"}}})"),
              ::testing::HasSubstr("s.json: services.foreign-mcp: unknown key \"corelation\" (the closest known: correlation"));
  const std::string auth = R"({"services": {"foreign-mcp": {"url": "http://127.0.0.1:9/mcp", "auth": )";
  EXPECT_THAT(parse_error(auth + R"({"agents": ["a"], "api_key": {"keys_file": "k.json"}, "defualt": "api_key"}}}})"),
              ::testing::HasSubstr("s.json: services.foreign-mcp.auth: unknown key \"defualt\" (the closest known: default"));
  EXPECT_THAT(parse_error(auth + R"({"agents": ["a"], "api_key": {"keys_file": "k.json", "headr": "X-Key"}}}}})"),
              ::testing::HasSubstr("s.json: services.foreign-mcp.auth.api_key: unknown key \"headr\" (the closest known: header"));
  EXPECT_THAT(parse_error(auth + R"({"keycloak_user": "yes"}}}})"), ::testing::HasSubstr("auth.keycloak_user must be true or false"));
  EXPECT_EQ(parse_error(auth + R"({"keycloak_user": true}}}})"), "(parsed)");
}

TEST(StackFileTest, BadSupervisorEntriesAreNamed) {
  const auto error_of = [](const std::string& supervisor) {
    return parse_error(R"({"mode": "local", "services": {}, "supervisor": )" + supervisor + "}");
  };
  EXPECT_EQ(error_of("42"), "s.json: 'supervisor' must be an object");
  EXPECT_EQ(error_of(R"({"log": "x"})"), "s.json: supervisor.pid must be a positive integer");
  EXPECT_EQ(error_of(R"({"pid": -3})"), "s.json: supervisor.pid must be a positive integer");
  EXPECT_EQ(error_of(R"({"pid": "12"})"), "s.json: supervisor.pid must be a positive integer");
  EXPECT_EQ(error_of(R"({"pid": 12, "start_ticks": -1})"),
            "s.json: supervisor.start_ticks must be a non-negative integer");
  EXPECT_EQ(error_of(R"({"pid": 12, "removes_run_dir": "yes"})"),
            "s.json: supervisor.removes_run_dir must be true or false");
}

TEST(StackFileTest, ClientsIsAListOfClientIds) {
  for (const char* bad : {R"("mcp-client")", R"(["mcp-client", 7])", R"([""])"}) {
    EXPECT_THAT(entry_error("clients", bad), ::testing::HasSubstr("services.my-mcp.clients must be a list of client ids")) << bad;
  }
  EXPECT_EQ(entry_error("clients", R"(["mcp-client"])"), "(parsed)");
}

// Where a server must point to be behind the fault proxy, and which services each server
// reaches through it: what the runner reads to decide whether a fault can reach a server.
TEST(StackFileTest, BehindFaultProxyIsAListOfTheProxiesOrTrue) {
  const StackFile stack = StackFile::parse(R"({
    "mode": "external",
    "services": {
      "vault":      {"url": "http://127.0.0.1:8200", "url_for_servers": "http://127.0.0.1:41990"},
      "fault-proxy": {"url": "http://127.0.0.1:8474"},
      "jira-mcp":   {"url": "http://127.0.0.1:3001/sse", "behind_fault_proxy": ["vault", "jira-api", "vault"]},
      "github-mcp": {"url": "http://127.0.0.1:3002/mcp", "behind_fault_proxy": true},
      "postgres-mcp": {"url": "http://127.0.0.1:3003/mcp", "behind_fault_proxy": false},
      "other-mcp":  {"url": "http://127.0.0.1:3004/mcp"}
    }
  })");
  EXPECT_EQ(stack.service("vault").url_for_servers, "http://127.0.0.1:41990");
  EXPECT_EQ(stack.service("jira-mcp").mcp.behind_fault_proxy, (std::vector<std::string>{"vault", "jira-api"}));
  EXPECT_EQ(stack.service("github-mcp").mcp.behind_fault_proxy,
            (std::vector<std::string>{"postgres", "keycloak", "cognito", "vault", "jira-api", "github-api", "opa"}));
  EXPECT_TRUE(stack.service("postgres-mcp").mcp.behind_fault_proxy.empty());
  EXPECT_TRUE(stack.service("other-mcp").mcp.behind_fault_proxy.empty());

  // Written as the list, read back the same.
  const std::string written = stack.to_json();
  EXPECT_NE(written.find(R"("behind_fault_proxy": [
        "vault",
        "jira-api"
      ])"), std::string::npos) << written;
  EXPECT_EQ(StackFile::parse(written).service("jira-mcp").mcp.behind_fault_proxy, stack.service("jira-mcp").mcp.behind_fault_proxy);
  EXPECT_EQ(written.find("\"behind_fault_proxy\": []"), std::string::npos) << "none: not written";

  const auto error_of = [](const std::string& value) { return entry_error("behind_fault_proxy", value); };
  EXPECT_EQ(error_of(R"(["vault", "jira"])"),
            "s.json: services.my-mcp.behind_fault_proxy: the fault proxy has no proxy \"jira\" (postgres, keycloak, cognito, vault, "
            "jira-api, github-api, opa)");
  EXPECT_EQ(error_of(R"("vault")"), "s.json: services.my-mcp.behind_fault_proxy must be true, false or a list of postgres, "
                                    "keycloak, cognito, vault, jira-api, github-api, opa");
  EXPECT_EQ(error_of("[3]"), "s.json: services.my-mcp.behind_fault_proxy: the fault proxy has no proxy \"3\" (postgres, "
                             "keycloak, cognito, vault, jira-api, github-api, opa)");
}

// A server's "rate_limit" as the stack records it is read back for the runner's pacing.
TEST(StackFileTest, ARateLimitReadsBackFromItsText) {
  for (const RateLimit limit : {RateLimit{20, std::chrono::milliseconds(1000)}, RateLimit{1, std::chrono::milliseconds(250)},
                                RateLimit{0, std::chrono::milliseconds(1000)}}) {
    EXPECT_EQ(RateLimit::parse(limit.to_string()), limit) << limit.to_string();
  }
  for (const char* text : {"", "20", "20/1000", "20/ms", "/1000ms", "0/1000ms", "20/0ms", "-5/1000ms", "20/1000 ms",
                           "99999999999/1000ms", "twenty/1000ms"}) {
    EXPECT_FALSE(RateLimit::parse(text)) << text;
  }
}

TEST(StackFileTest, UnknownTransportIsRejected) {
  EXPECT_THROW(StackFile::parse(R"({"services": {"x": {"url": "http://h/sse", "transport": "websocket"}}})"),
               std::runtime_error);
}

// The stack file holds Vault's root token and the IdP admin's password: only its owner may read
// it, from the moment it exists, whatever the umask; so may only the owner enter a run directory
// the harness creates.
// The agents' entries as the contract with the scenario runner writes them (docs/design.md).
constexpr const char* kAgentStack = R"({"mode": "external", "services": {
  "agent-bridge-mcp": {"url": "http://127.0.0.1:41010/mcp", "transport": "streamable-http", "profile": "agent-bridge",
    "rate_limit": "20/1000ms", "refused_rate_limit": "15/500ms",
    "auth": {"default": "api_key", "agents": ["agent-a", "agent-b"], "keycloak_user": false,
             "api_key": {"header": "X-API-Key", "keys_file": "agents/api-keys.json"},
             "static_jwt": {"alg": "HS256", "key_file": "/abs/jwt.key", "iss": "mcp-harness", "aud": "agent-bridge-mcp",
                            "kid": "k1"},
             "mtls": {"proxy_url": "https://127.0.0.1:41011/mcp", "direct_url": "http://127.0.0.1:41010/mcp",
                      "server_ca_file": "tls/ca.pem", "client_ca_cert": "tls/agents-ca.pem", "client_ca_key": "tls/agents-ca.key"},
             "proxy_headers": {"dn_header": "X-SSL-Client-S-DN", "verify_header": "X-SSL-Client-Verify"},
             "client_credentials": {"token_url": "http://idp/token", "clients_file": "clients.json",
                                    "method": "client_secret_basic", "scope": "kv"}}},
  "tls-proxy": {"url": "https://127.0.0.1:41011", "upstream": "agent-bridge-mcp", "ca_file": "tls/ca.pem"},
  "spiffe": {"url": "http://127.0.0.1:41012", "workload_api": "unix:///run/x/spiffe-workload-api.sock"}}})";

TEST(StackFileTest, AgentAuthIsReadIntoTypedFieldsAndWrittenBackAsItWas) {
  const StackFile stack = StackFile::parse(kAgentStack);
  const ServiceEntry& bridge = stack.service("agent-bridge-mcp");
  ASSERT_TRUE(bridge.mcp.auth.has_value());
  const AgentAuthFields& auth = *bridge.mcp.auth;
  EXPECT_EQ(auth.default_kind, "api_key");
  EXPECT_EQ(auth.agents, (std::vector<std::string>{"agent-a", "agent-b"}));
  ASSERT_TRUE(auth.api_key && auth.static_jwt && auth.mtls && auth.proxy_headers && auth.client_credentials);
  EXPECT_EQ(auth.api_key->keys_file, "agents/api-keys.json");
  EXPECT_EQ(auth.static_jwt->aud, "agent-bridge-mcp");
  EXPECT_EQ(auth.static_jwt->kid, "k1");
  EXPECT_EQ(auth.keycloak_user_jwts, false);
  EXPECT_EQ(auth.mtls->client_ca_key, "tls/agents-ca.key");
  EXPECT_EQ(auth.proxy_headers->verify_header, "X-SSL-Client-Verify");
  EXPECT_EQ(auth.client_credentials->method, "client_secret_basic");
  EXPECT_EQ(stack.service("tls-proxy").proxy.upstream, "agent-bridge-mcp");
  EXPECT_EQ(stack.service("tls-proxy").proxy.ca_file, "tls/ca.pem");
  EXPECT_EQ(bridge.mcp.refused_rate_limit, (RateLimit{15, std::chrono::milliseconds(500)}));
  EXPECT_EQ(stack.service("spiffe").workload_api, "unix:///run/x/spiffe-workload-api.sock");
  EXPECT_THROW(StackFile::parse(R"({"services": {"x": {"url": "http://h/mcp", "refused_rate_limit": "20"}}})"),
               std::runtime_error);

  // Written back with every key.
  const StackFile again = StackFile::parse(stack.to_json());
  EXPECT_EQ(again.to_json(), stack.to_json());
  EXPECT_NE(stack.to_json().find("\"keycloak_user\": false"), std::string::npos);
  EXPECT_EQ(again.service("agent-bridge-mcp").mcp.auth->mtls->proxy_url, "https://127.0.0.1:41011/mcp");
}

TEST(StackFileTest, TheRealSpiresServerAndAdminSocketAreReadAndWrittenBack) {
  const StackFile stack = StackFile::parse(R"({"services": {"spiffe": {"url": "https://127.0.0.1:41012",
    "implementation": "native", "workload_api": "unix:///run/x/spiffe-workload-api.sock",
    "spire_server": "/opt/spire/spire-server", "spire_admin_socket": "/run/x/spire/server/api.sock",
    "spire_signing_keys": "/run/x/spire/server/keys.json"}}})");
  const std::optional<SpireServerCli> cli = spire_server_of(stack.service("spiffe"));
  ASSERT_TRUE(cli.has_value());
  EXPECT_EQ(cli->argv({"localauthority", "jwt", "show"}),
            (std::vector<std::string>{"/opt/spire/spire-server", "localauthority", "jwt", "show", "-socketPath",
                                      "/run/x/spire/server/api.sock"}));
  EXPECT_EQ(StackFile::parse(stack.to_json()).service("spiffe").spire_admin_socket, "/run/x/spire/server/api.sock");
  EXPECT_EQ(StackFile::parse(stack.to_json()).service("spiffe").spire_signing_keys, "/run/x/spire/server/keys.json");

  // mock-spiffe has no spire-server; a native entry without one cannot be rotated, and says so.
  ServiceEntry standin;
  standin.implementation = "standin";
  EXPECT_FALSE(spire_server_of(standin).has_value());
  ServiceEntry bare;
  bare.implementation = "native";
  EXPECT_THROW(spire_server_of(bare), std::runtime_error);
}

TEST(StackFileTest, ATrustDomainsAgentsByRoleAreReadAndWrittenBack) {
  const StackFile stack = StackFile::parse(R"({"services": {"spiffe": {"url": "http://127.0.0.1:41012",
    "agent_ids": {"trusted-agent": "spiffe://acme.example/ns/billing/sa/reporter"}}}})");
  EXPECT_EQ(stack.service("spiffe").agent_ids.at("trusted-agent"), "spiffe://acme.example/ns/billing/sa/reporter");
  EXPECT_EQ(StackFile::parse(stack.to_json()).service("spiffe").agent_ids, stack.service("spiffe").agent_ids);
  for (const char* bad : {R"(["spiffe://acme.example/a"])", R"({"trusted-agent": 3})", R"({"trusted-agent": "acme.example/a"})"}) {
    try {
      (void)StackFile::parse(std::string(R"({"services": {"spiffe": {"url": "http://127.0.0.1:1", "agent_ids": )") + bad + "}}}");
      ADD_FAILURE() << bad << " was taken";
    } catch (const std::runtime_error& e) {
      EXPECT_THAT(e.what(), ::testing::HasSubstr("services.spiffe.agent_ids must be an object of agent role → its SPIFFE ID")) << bad;
    }
  }
}

TEST(StackFileTest, AuthPathsAreRelativeToTheStackFilesDirectory) {
  proc::TempDir dir("mcph-stack-file");
  fixtures::write_private_file(dir.path() / "stack.json", kAgentStack);
  const StackFile stack = StackFile::load(dir.path() / "stack.json");
  const AgentAuthFields& auth = *stack.service("agent-bridge-mcp").mcp.auth;
  EXPECT_EQ(stack.resolve(auth.api_key->keys_file), (dir.path() / "agents/api-keys.json").string());
  EXPECT_EQ(stack.resolve(auth.static_jwt->key_file), "/abs/jwt.key");
  EXPECT_EQ(StackFile::parse(kAgentStack).resolve("tls/ca.pem"), "tls/ca.pem") << "parsed from text: no directory";
}

TEST(StackFileTest, BadAuthValuesAreNamed) {
  const auto error_of = [](const std::string& auth) { return entry_error("auth", auth); };
  EXPECT_EQ(error_of(R"("api_key")"), "s.json: services.my-mcp.auth must be an object");
  EXPECT_EQ(error_of(R"({"api_key": {"header": 1}})"), "s.json: services.my-mcp.auth.api_key.header must be a string");
  EXPECT_EQ(error_of(R"({"agents": "agent-a"})"), "s.json: services.my-mcp.auth.agents must be a list of agent names, or an object of agent → the server's name for it");
  EXPECT_EQ(error_of(R"({"mtls": []})"), "s.json: services.my-mcp.auth.mtls must be an object");
}

TEST(StackFileTest, IsWrittenForItsOwnerAloneWhateverTheUmask) {
  proc::TempDir dir("mcph-stack-file-test");
  const mode_t old_umask = ::umask(0);
  const fs::path run_dir = dir.path() / "run" / "dir";
  fixtures::create_private_directory(run_dir);
  local_stack_with_supervisor().save(run_dir / "stack.json");
  fixtures::write_private_file(run_dir / "secrets.json", "{}");
  ::umask(old_umask);
  const auto mode = [](const fs::path& path) { return fs::status(path).permissions(); };
  EXPECT_EQ(mode(run_dir), fs::perms::owner_all);
  EXPECT_EQ(mode(run_dir / "stack.json"), fs::perms::owner_read | fs::perms::owner_write);
  EXPECT_EQ(mode(run_dir / "secrets.json"), fs::perms::owner_read | fs::perms::owner_write);
  EXPECT_FALSE(fs::exists(run_dir / "stack.json.tmp"));
  EXPECT_EQ(StackFile::load(run_dir / "stack.json").to_json(), local_stack_with_supervisor().to_json());

  // A file that was readable before is not once it is written again.
  fs::permissions(run_dir / "stack.json", fs::perms::all);
  local_stack_with_supervisor().save(run_dir / "stack.json");
  EXPECT_EQ(mode(run_dir / "stack.json"), fs::perms::owner_read | fs::perms::owner_write);
}

// A compose stack as a container on its own network reaches it: the containers at their names,
// what is not a container (a hand-added server on the host) where it was, the rest unchanged.
TEST(StackFileTest, SeenFromTheStackNetworkEachContainerIsReachedAtItsName) {
  const StackFile stack = StackFile::parse(R"({"mode": "compose", "services": {
      "keycloak": {"url": "http://127.0.0.1:8080", "url_inside": "http://keycloak:8080",
                   "implementation": "container", "admin_user": "admin", "admin_password": "admin"},
      "vault": {"url": "http://127.0.0.1:8200", "url_inside": "http://vault:8200", "implementation": "container",
                "token": "root-token", "audit_log": "/run/stack/vault-audit/audit.log"},
      "my-mcp": {"url": "http://192.0.2.7:9000/mcp"}}})",
                                           "s.json");
  ASSERT_TRUE(has_network_view(stack));
  const StackFile inside = seen_from_the_stack_network(stack);
  EXPECT_EQ(inside.service("keycloak").url, "http://keycloak:8080");
  EXPECT_EQ(inside.service("keycloak").idp.issuer, "http://127.0.0.1:8080/realms/mcp-demo");
  EXPECT_EQ(inside.service("vault").url, "http://vault:8200");
  EXPECT_EQ(inside.service("my-mcp").url, "http://192.0.2.7:9000/mcp");
  EXPECT_EQ(inside.service("vault").vault.audit_log, "/run/stack/vault-audit/audit.log");
  EXPECT_EQ(inside.service("keycloak").idp.admin_password, "admin");
  EXPECT_EQ(inside.mode, StackMode::compose);
  // The file a harness in such a container loads is the stack file it reads like any other.
  EXPECT_EQ(StackFile::parse(inside.to_json(), "inside.json").service("keycloak").url, "http://keycloak:8080");

  EXPECT_FALSE(has_network_view(local_stack_with_supervisor()));
}

// A team's server under its own name plays a role of a design: the scenarios' name for the role
// reaches its entry, and everything else keeps the name the stack file gives it.
TEST(StackFileTest, AnEntryThatPlaysARoleIsFoundByTheRoleAndKeepsItsName) {
  const StackFile stack = StackFile::parse(R"({"services": {
      "vault-gateway": {"url": "http://127.0.0.1:1/mcp", "plays": "agent-bridge-mcp"},
      "jira-mcp": {"url": "http://127.0.0.1:2/mcp"}}})");
  EXPECT_EQ(stack.serving("agent-bridge-mcp"), "vault-gateway");
  EXPECT_EQ(stack.serving("vault-gateway"), "vault-gateway");
  EXPECT_EQ(stack.serving("jira-mcp"), "jira-mcp");  // the reference servers need no plays
  EXPECT_EQ(stack.serving("github-mcp"), "");
  ASSERT_NE(stack.find_service("agent-bridge-mcp"), nullptr);
  EXPECT_EQ(stack.find_service("agent-bridge-mcp")->url, "http://127.0.0.1:1/mcp");
  EXPECT_EQ(stack.service("agent-bridge-mcp").url, "http://127.0.0.1:1/mcp");
  EXPECT_EQ(stack.role_of("vault-gateway"), "agent-bridge-mcp");
  EXPECT_EQ(stack.role_of("jira-mcp"), "jira-mcp");
  // Written back as it was.
  EXPECT_EQ(StackFile::parse(stack.to_json()).services.at("vault-gateway").plays, "agent-bridge-mcp");
}

TEST(StackFileTest, ARoleIsPlayedByOneEntryAndOnlyRolesThereAreArePlayed) {
  EXPECT_THAT(parse_error(R"({"services": {"a": {"url": "http://h:1", "plays": "agent-bridge-mcp"},
                                        "b": {"url": "http://h:2", "plays": "agent-bridge-mcp"}}})"),
              ::testing::HasSubstr("s.json: services.b.plays: a plays agent-bridge-mcp already (one entry per role)"));
  EXPECT_THAT(parse_error(R"({"services": {"a": {"url": "http://h:1", "plays": "agent-bridge-mcp"},
                                        "agent-bridge-mcp": {"url": "http://h:2"}}})"),
              ::testing::HasSubstr("services.a.plays: the stack has an entry agent-bridge-mcp of its own"));
  const std::string unknown = parse_error(R"({"services": {"a": {"url": "http://h:1", "plays": "agent-brige-mcp"}}})");
  EXPECT_THAT(unknown, ::testing::HasSubstr("services.a.plays: no role \"agent-brige-mcp\" (the roles: "));
  EXPECT_THAT(unknown, ::testing::HasSubstr("agent-bridge-mcp"));
  EXPECT_THAT(unknown, ::testing::HasSubstr("jira-mcp"));
  EXPECT_THAT(parse_error(R"({"services": {"a": {"url": "http://h:1", "authorization_server": "no"}}})"),
              ::testing::HasSubstr("services.a.authorization_server must be \"none\""));
}

}  // namespace
}  // namespace mcph::harness::stack
