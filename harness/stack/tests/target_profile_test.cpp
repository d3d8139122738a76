#include "mcph/harness/stack/target_profile.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <stdexcept>

namespace mcph::harness::stack {
namespace {

using ::testing::HasSubstr;

// An MCP server's entry as a stack file writes it: its URL and these keys.
ServiceEntry entry(const std::map<std::string, std::string>& keys) {
  std::string json = R"({"url": "http://127.0.0.1:3001/sse")";
  for (const auto& [key, value] : keys) {
    // "failures" and "auth" are written as the JSON objects they are; the rest as text.
    json += ", \"" + key + "\": " + (key == "failures" || key == "auth" ? value : "\"" + value + "\"");
  }
  return parse_service_entry(json + "}", "services.jira-mcp");
}

std::string profile_error(const ServiceEntry& service) {
  try {
    (void)target_profile(service, "jira-mcp");
  } catch (const std::runtime_error& e) {
    return e.what();
  }
  return "(no error)";
}

TEST(TargetProfileTest, AnEntryWithoutAProfileIsAReferenceServer) {
  const TargetProfile profile = target_profile(entry({}), "jira-mcp");
  EXPECT_EQ(profile.name, "reference");
  EXPECT_EQ(profile.transport, mcp::Transport::streamable_http);
  EXPECT_EQ(profile.correlation, Correlation::traceparent);
  EXPECT_EQ(profile.result_rows, "auto");
  EXPECT_EQ(profile.probe, ProbeMethod::initialize);
  EXPECT_EQ(profile.vault_login, ServerVaultLogin::exchanged);
  ASSERT_TRUE(profile.failures.count("missing_credential"));
}

TEST(TargetProfileTest, TheDemoProfileSpeaksLegacySseAndIsMatchedByTime) {
  const TargetProfile profile = target_profile(entry({{"profile", "demo-python"}}), "jira-mcp");
  EXPECT_EQ(profile.transport, mcp::Transport::legacy_sse_post);
  EXPECT_EQ(profile.correlation, Correlation::window);
  EXPECT_EQ(profile.probe, ProbeMethod::tools_list);  // its POST /sse answers initialize with "Unknown method"
  EXPECT_EQ(profile.vault_login, ServerVaultLogin::caller_token);
  EXPECT_THAT(profile.failures.at("missing_credential").front(), HasSubstr("Secret not found"));
}

TEST(TargetProfileTest, TheEntrysOwnKeysOverrideTheProfile) {
  const TargetProfile profile =
      target_profile(entry({{"profile", "demo-python"}, {"transport", "streamable-http"}, {"correlation", "traceparent"},
                            {"result_rows", "/data/items"}, {"result_columns", "/data/names"}, {"probe", "initialize"}, {"vault_login", "exchanged"},
                            {"failures", R"({"missing_credential": ["no secret for ${user}"]})"}}),
                     "jira-mcp");
  EXPECT_EQ(profile.name, "demo-python");
  EXPECT_EQ(profile.transport, mcp::Transport::streamable_http);
  EXPECT_EQ(profile.correlation, Correlation::traceparent);
  EXPECT_EQ(profile.result_rows, "/data/items");
  EXPECT_EQ(profile.result_columns, "/data/names");
  EXPECT_EQ(profile.probe, ProbeMethod::initialize);
  EXPECT_EQ(profile.vault_login, ServerVaultLogin::exchanged);
  EXPECT_EQ(profile.failures.at("missing_credential"), std::vector<std::string>{"no secret for ${user}"});
}

TEST(TargetProfileTest, SseIsATransport) {
  EXPECT_EQ(target_profile(entry({{"transport", "sse"}}), "jira-mcp").transport, mcp::Transport::sse);
  EXPECT_EQ(target_profile(entry({}), "jira-mcp").transport, mcp::Transport::streamable_http);
}

// A server whose protected resource is no JSON-RPC method: its probe is a plain HTTP request,
// written back as the object it was.
TEST(TargetProfileTest, AProbeMayBeAPlainHttpRequest) {
  const auto with_probe = [](const std::string& probe) {
    return parse_service_entry(R"({"url": "http://h:1/mcp", "probe": )" + probe + "}", "services.jira-mcp");
  };
  const TargetProfile profile = target_profile(with_probe(R"({"method": "GET", "path": "/hello?who=me"})"), "jira-mcp");
  ASSERT_TRUE(profile.http_probe.has_value());
  EXPECT_EQ(profile.http_probe->method, "GET");
  EXPECT_EQ(profile.http_probe->path, "/hello?who=me");
  EXPECT_EQ(profile.http_probe->body, "");
  EXPECT_FALSE(target_profile(entry({{"probe", "tools/list"}}), "jira-mcp").http_probe.has_value());
  const StackFile stack = StackFile::parse(
      R"({"services": {"jira-mcp": {"url": "http://h:1/mcp", "probe": {"method": "POST", "path": "/api/run", "body": "{}"}}}})");
  EXPECT_NE(stack.to_json().find(R"("probe": {)"), std::string::npos) << stack.to_json();
  EXPECT_EQ(StackFile::parse(stack.to_json()).to_json(), stack.to_json());
  EXPECT_THAT(profile_error(with_probe(R"({"method": "TRACE", "path": "/x"})")),
              HasSubstr("services.jira-mcp.probe.method must be one of GET, POST, PUT, PATCH, DELETE, not \"TRACE\""));
  EXPECT_THAT(profile_error(with_probe(R"({"method": "GET", "path": "hello"})")), HasSubstr("services.jira-mcp.probe.path must start with /"));
  EXPECT_THAT(profile_error(with_probe(R"({"method": "GET", "path": "/x", "headers": {}})")),
              HasSubstr("services.jira-mcp.probe.headers: no such key (method, path, body)"));
}

TEST(TargetProfileTest, BadValuesAreErrorsNamingTheKey) {
  EXPECT_THAT(profile_error(entry({{"profile", "java"}})), HasSubstr("services.jira-mcp.profile: no profile \"java\" (built in: reference, demo-python, agent-bridge)"));
  EXPECT_THAT(profile_error(entry({{"transport", "websocket"}})),
              HasSubstr("services.jira-mcp.transport must be \"streamable-http\", \"sse\" or \"legacy-sse-post\", not \"websocket\""));
  EXPECT_THAT(profile_error(entry({{"correlation", "guess"}})), HasSubstr("services.jira-mcp.correlation"));
  EXPECT_THAT(profile_error(entry({{"result_rows", "rows"}})), HasSubstr("services.jira-mcp.result_rows"));
  EXPECT_THAT(profile_error(entry({{"result_columns", "columns"}})), HasSubstr("services.jira-mcp.result_columns must be a JSON pointer"));
  EXPECT_THAT(profile_error(entry({{"probe", "ping"}})), HasSubstr("services.jira-mcp.probe must be \"initialize\" or \"tools/list\""));
  EXPECT_THAT(profile_error(entry({{"vault_login", "passthrough"}})),
              HasSubstr("services.jira-mcp.vault_login must be \"exchanged\" or \"caller_token\""));
  EXPECT_THAT(profile_error(entry({{"failures", R"(["no secret"])"}})), HasSubstr("services.jira-mcp.failures"));
  EXPECT_THAT(profile_error(entry({{"failures", R"({"missing_credential": [""]})"}})), HasSubstr("services.jira-mcp.failures"));
  // A misspelt kind would leave the profile's own texts in force without a word.
  EXPECT_THAT(profile_error(entry({{"failures", R"({"backend_eror": ["boom"]})"}})),
              HasSubstr("services.jira-mcp.failures: unknown failure kind \"backend_eror\" (known: backend_error, "));
  EXPECT_THAT(profile_error(entry({{"dependency_timeout_ms", "soon"}})), HasSubstr("services.jira-mcp.dependency_timeout_ms"));
  EXPECT_THAT(profile_error(entry({{"dependency_timeout_ms", "0"}})), HasSubstr("services.jira-mcp.dependency_timeout_ms"));
  EXPECT_THAT(profile_error(entry({{"dependency_timeout_ms", "-5"}})), HasSubstr("services.jira-mcp.dependency_timeout_ms"));
}

// A kind the server has no stable words for is an empty list; the timeout a number of ms.
TEST(TargetProfileTest, AKindWithoutWordsAndTheDependencyTimeout) {
  const TargetProfile demo = target_profile(entry({{"profile", "demo-python"}}), "jira-mcp");
  EXPECT_TRUE(demo.failures.at("vault_unavailable").empty());
  EXPECT_EQ(demo.dependency_timeout_ms, 5000);  // httpx's default
  EXPECT_EQ(target_profile(entry({}), "jira-mcp").dependency_timeout_ms, 3000);
  const TargetProfile own = target_profile(
      entry({{"failures", R"({"vault_unavailable": [], "missing_credential": ["none for ${user}"]})"}, {"dependency_timeout_ms", "10000"}}),
      "jira-mcp");
  EXPECT_TRUE(own.failures.at("vault_unavailable").empty());
  EXPECT_EQ(own.failures.at("missing_credential"), std::vector<std::string>{"none for ${user}"});
  EXPECT_EQ(own.failures.at("backend_error"), std::vector<std::string>{"backend_error: "});  // not overridden: the profile's
  EXPECT_EQ(own.dependency_timeout_ms, 10000);
}

TEST(TargetProfileTest, TheStackFileRejectsAnUnknownProfileWhenLoaded) {
  EXPECT_THROW(StackFile::parse(R"({"services": {"jira-mcp": {"url": "http://h/sse", "profile": "nodejs"}}})"),
               std::runtime_error);
  const StackFile stack = StackFile::parse(
      R"({"services": {"jira-mcp": {"url": "http://h/sse", "profile": "demo-python", "correlation": "traceparent"}}})");
  EXPECT_EQ(target_profile(stack.service("jira-mcp"), "jira-mcp").correlation, Correlation::traceparent);
}

// The provisioner binds the callers' audience in Vault's role for these (provision.h).
TEST(TargetProfileTest, CallerTokenServersAreTheMcpServersWhoseProfileSaysSo) {
  const StackFile stack = StackFile::parse(R"({"services": {
      "vault": {"url": "http://h:1", "vault_login": "caller_token"},
      "jira-mcp": {"url": "http://h:2/sse", "profile": "demo-python"},
      "github-mcp": {"url": "http://h:3/mcp"},
      "postgres-mcp": {"url": "http://h:4/mcp", "vault_login": "caller_token"}}})");
  EXPECT_EQ(caller_token_servers(stack), (std::vector<std::string>{"jira-mcp", "postgres-mcp"}));
  EXPECT_TRUE(caller_token_servers(StackFile::parse(R"({"services": {"jira-mcp": {"url": "http://h:2/mcp"}}})")).empty());
}


// The bridge's entry as the stack writes it (paths relative to the stack file's directory).
const std::string kBridgeAuth = R"({
  "default": "api_key", "agents": ["agent-a", "agent-b"],
  "api_key": {"header": "X-API-Key", "keys_file": "agents/api-keys.json"},
  "static_jwt": {"alg": "HS256", "key_file": "agents/jwt-hs256.key", "iss": "mcp-harness", "aud": "agent-bridge-mcp"},
  "mtls": {"proxy_url": "https://127.0.0.1:2/mcp", "direct_url": "http://127.0.0.1:1/mcp", "server_ca_file": "tls/ca.pem",
           "client_ca_cert": "tls/agents-ca.pem", "client_ca_key": "/abs/agents-ca.key"},
  "proxy_headers": {}})";

TEST(AuthProfileTest, AnEntryWithoutAuthIsCalledByKeycloakUsers) {
  EXPECT_FALSE(target_profile(entry({}), "jira-mcp").auth.has_value());
}

TEST(AuthProfileTest, TheBridgesAuthIsReadIntoItsModes) {
  const TargetProfile profile = target_profile(entry({{"profile", "agent-bridge"}, {"auth", kBridgeAuth}}), "agent-bridge-mcp");
  EXPECT_EQ(profile.correlation, Correlation::traceparent);  // the bridge sends the call's traceparent on to Vault
  ASSERT_TRUE(profile.auth.has_value());
  const AuthProfile& auth = *profile.auth;
  EXPECT_EQ(auth.default_mode, "api_key");
  EXPECT_EQ(auth.modes(), (std::vector<std::string>{"api_key", "static_jwt", "mtls", "proxy_headers"}));
  EXPECT_TRUE(auth.has_agent("agent-b"));
  EXPECT_FALSE(auth.has_agent("agent-z"));
  EXPECT_EQ(auth.proxy_headers->dn_header, "X-SSL-Client-S-DN");  // the defaults
  EXPECT_EQ(auth.proxy_headers->verify_header, "X-SSL-Client-Verify");
  const AuthProfile resolved = auth.resolved("/run/stack");
  EXPECT_EQ(resolved.api_key->keys_file, "/run/stack/agents/api-keys.json");
  EXPECT_EQ(resolved.mtls->client_ca_key, "/abs/agents-ca.key");  // absolute: as written
  // Written back as it was read.
  const StackFile stack = StackFile::parse(R"({"services": {"agent-bridge-mcp": {"url": "http://127.0.0.1:1/mcp",
      "profile": "agent-bridge", "auth": )" + kBridgeAuth + "}}}");
  EXPECT_EQ(StackFile::parse(stack.to_json()).to_json(), stack.to_json());
}

// A server that knows its agents by names of its own: the scenario files' agents are mapped to
// them, and whole words in a DN, subject or path are written the server's way.
TEST(AuthProfileTest, AgentsTheServerNamesItsOwnWayAreItsNamesInWhatItReads) {
  const std::string auth = R"({"agents": {"agent-a": "deployer", "agent-b": "ci-runner"}, "api_key": {"keys_file": "k"}})";
  const TargetProfile profile = target_profile(entry({{"profile", "agent-bridge"}, {"auth", auth}}), "vault-bridge");
  const AuthProfile& named = *profile.auth;
  EXPECT_EQ(named.agents, (std::vector<std::string>{"agent-a", "agent-b"}));
  EXPECT_TRUE(named.has_agent("agent-a"));
  EXPECT_FALSE(named.has_agent("deployer"));  // a step acts as the scenario files' agent
  EXPECT_EQ(named.name_of("agent-b"), "ci-runner");
  EXPECT_EQ(named.name_of("agent-c"), "agent-c");
  EXPECT_EQ(named.with_server_names("CN=agent-a,CN=agent-b"), "CN=deployer,CN=ci-runner");
  EXPECT_EQ(named.with_server_names("y,CN=agent-a"), "y,CN=deployer");
  EXPECT_EQ(named.with_server_names("../agent-a/jira"), "../deployer/jira");
  EXPECT_EQ(named.with_server_names("..%2fagent-a%2fjira"), "..%2fdeployer%2fjira");
  EXPECT_EQ(named.with_server_names("..\\agent-a\\jira"), "..\\deployer\\jira");
  EXPECT_EQ(named.with_server_names("agent-a-jira"), "agent-a-jira");  // a longer name, not the agent
  EXPECT_EQ(named.with_server_names("secret-agent-a"), "secret-agent-a");
  EXPECT_EQ(named.with_server_names("agent-ab"), "agent-ab");
  // The layout's {agent} is the server's name, and a path in it is the scenario files' agent's.
  EXPECT_EQ(profile.secrets->agent_prefix("agent-a"), "mcp/deployer");
  EXPECT_EQ(profile.secrets->policy_of("agent-b"), "mcp-agent-ci-runner");
  bool kv = false;
  EXPECT_EQ(profile.secrets->owner_of(std::vector<std::string>{"secret", "data", "mcp", "ci-runner", "jira"}, kv), "agent-b");
  EXPECT_EQ(profile.secrets->owner_of(std::vector<std::string>{"secret", "data", "mcp", "agent-b", "jira"}, kv), "agent-b");
  // Written back as it was read; a list names the agents as the server does.
  const StackFile stack = StackFile::parse(R"({"services": {"vault-bridge": {"url": "http://127.0.0.1:1/mcp", "auth": )" + auth + "}}}");
  EXPECT_EQ(StackFile::parse(stack.to_json()).to_json(), stack.to_json());
  EXPECT_NE(stack.to_json().find(R"("agent-a": "deployer")"), std::string::npos);
  EXPECT_EQ(target_profile(entry({{"auth", kBridgeAuth}}), "agent-bridge-mcp").auth->name_of("agent-a"), "agent-a");
}

TEST(AuthProfileTest, BadValuesAreErrorsNamingTheKey) {
  const auto auth_error = [](const std::string& auth) {
    try {
      return profile_error(entry({{"auth", auth}}));
    } catch (const std::runtime_error& e) {  // a shape the stack file itself cannot read
      return std::string(e.what());
    }
  };
  EXPECT_THAT(auth_error(R"([])"), HasSubstr("services.jira-mcp.auth must be an object"));
  EXPECT_THAT(auth_error(R"({"agents": ["a"]})"), HasSubstr("services.jira-mcp.auth names no mode"));
  EXPECT_THAT(auth_error(R"({"agents": ["a"], "api_key": {}})"), HasSubstr("services.jira-mcp.auth.api_key.keys_file is missing"));
  EXPECT_THAT(auth_error(R"({"agents": ["a"], "api_key": {"keys_file": 5}})"),
              HasSubstr("services.jira-mcp.auth.api_key.keys_file must be a string"));
  EXPECT_THAT(auth_error(R"({"agents": ["a"], "static_jwt": {"alg": "none", "key_file": "k", "iss": "i", "aud": "a"}})"),
              HasSubstr("services.jira-mcp.auth.static_jwt.alg must be one of HS256, RS256, ES256, not \"none\""));
  EXPECT_THAT(auth_error(R"({"agents": ["a"], "static_jwt": {"alg": "HS256", "key_file": "k", "iss": "i", "aud": "a",
                                                            "scope_form": "list"}})"),
              HasSubstr("services.jira-mcp.auth.static_jwt.scope_form must be one of string, array, not \"list\""));
  EXPECT_THAT(auth_error(R"({"agents": ["a"], "mtls": {"proxy_url": "http://p", "server_ca_file": "c", "client_ca_cert": "c",
                                                      "client_ca_key": "k"}})"),
              HasSubstr("services.jira-mcp.auth.mtls.proxy_url must be an https:// URL"));
  EXPECT_THAT(auth_error(R"({"agents": ["a"], "client_credentials": {"token_url": "http://t", "clients_file": "c",
                                                                    "method": "private_key_jwt"}})"),
              HasSubstr("services.jira-mcp.auth.client_credentials.method must be one of client_secret_post, client_secret_basic"));
  EXPECT_THAT(auth_error(R"({"agents": ["a"], "default": "mtls", "proxy_headers": {}})"),
              HasSubstr("services.jira-mcp.auth.default: \"mtls\" is not configured here (proxy_headers)"));
  EXPECT_THAT(auth_error(R"({"agents": ["a"], "default": "magic", "proxy_headers": {}})"),
              HasSubstr("services.jira-mcp.auth.default must be one of api_key"));
  EXPECT_THAT(auth_error(R"({"proxy_headers": {}})"), HasSubstr("services.jira-mcp.auth.agents: list the agents"));
  EXPECT_THAT(auth_error(R"({"agents": [1], "proxy_headers": {}})"), HasSubstr("services.jira-mcp.auth.agents must be a list"));
  EXPECT_THAT(auth_error(R"({"agents": {"agent-a": ""}, "proxy_headers": {}})"),
              HasSubstr("services.jira-mcp.auth.agents must be a list of agent names, or an object of agent → the server's name"));
  EXPECT_THAT(auth_error(R"({"agents": {"agent-a": "ops", "agent-b": "ops"}, "proxy_headers": {}})"),
              HasSubstr("services.jira-mcp.auth.agents: agent-a and agent-b are both \"ops\" to the server"));
  EXPECT_THROW(StackFile::parse(R"({"services": {"x": {"url": "http://h/mcp", "auth": {"default": "api_key"}}}})"), std::runtime_error);
}

}  // namespace
}  // namespace mcph::harness::stack
