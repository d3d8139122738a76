// agent-bridge-mcp and its nginx TLS proxy as rows of a stack (local mode, and real mode with the
// real Vault): the agents provisioned in Vault with a parent token that is not root, each
// agent's API key reading its own secrets only, a client certificate from the agents' CA through
// the proxy, provisioning that changes nothing the second time, and `down` leaving no process.
// One stack per mode, shared by the tests of that mode (the last one stops it).
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <sys/stat.h>

#include <map>
#include <nlohmann/json.hpp>

#include "mcph/harness/provision/agent_provisioning.h"
#include "mcph/harness/stack/local_stack.h"
#include "mcph/harness/stack/real_tier.h"
#include "mcph/harness/stack/service_table.h"
#include "mcph/harness/stack/supervised_stack.h"
#include "mcph/http/client.h"
#include "mcph/http/url.h"
#include "mcph/tls/test_ca.h"
#include "owner_support.h"

namespace mcph::harness::stack {
namespace {

using Json = nlohmann::json;
using ::testing::HasSubstr;
using ::testing::IsEmpty;
namespace fs = std::filesystem;

std::map<StackMode, std::unique_ptr<SupervisedStack>>& stacks() {
  static std::map<StackMode, std::unique_ptr<SupervisedStack>> running;
  return running;
}

Json json_file(const std::string& path) { return Json::parse(testing::read_file(path)); }

std::string trimmed(std::string text) {
  while (!text.empty() && (text.back() == '\n' || text.back() == ' ')) text.pop_back();
  return text;
}

class AgentStack : public ::testing::TestWithParam<StackMode> {
 protected:
  void SetUp() override {
    if (GetParam() == StackMode::real) {
      try {
        find_real_tier();
      } catch (const RealTierMissing& e) {
        GTEST_SKIP() << e.what();  // "the real tier is not installed: …"
      }
    }
    auto& stack = stacks()[GetParam()];
    if (!stack) {
      SupervisedStackOptions options;
      options.stack.mode = GetParam();
      options.stack.rate_limit = RateLimit{50, std::chrono::milliseconds(1000)};
      stack = SupervisedStack::start(options);
    }
    stack_ = stack.get();
  }

  const StackFile& file() const { return stack_->stack(); }
  const ServiceEntry& bridge() const { return file().service(std::string(kAgentBridgeService)); }
  const AgentAuthFields& auth() const { return *bridge().mcp.auth; }
  std::string api_key(const std::string& agent) const { return json_file(auth().api_key->keys_file).at(agent); }
  const ServiceEntry* proxy() const { return file().find_service(std::string(kTlsProxyService)); }

  // tools/call of `tool` on POST /mcp/rpc at `mcp_url` (the entry's .../mcp).
  static http::ClientResponse rpc(const std::string& mcp_url, const std::string& tool, const Json& arguments,
                                  const http::Fields& headers, http::ClientOptions options = {}) {
    const auto url = http::parse_url(mcp_url);
    http::Client client(url.origin(), options);
    const Json call = {{"jsonrpc", "2.0"}, {"id", 1}, {"method", "tools/call"},
                       {"params", {{"name", tool}, {"arguments", arguments}}}};
    return client.post(url.path + "/rpc", call.dump(), "application/json", headers);
  }
  // The data kv.read gave, or the answer's text when it gave none.
  static Json read_data(const http::ClientResponse& answer) {
    const Json body = Json::parse(answer.body, nullptr, false);
    if (body.is_object() && body.contains("result")) return body["result"]["structuredContent"]["data"];
    return answer.body;
  }
  http::ClientResponse vault(const std::string& method, const std::string& path, const std::string& token,
                             const Json& body = nullptr) const {
    http::Client client(file().service("vault").url);
    return client.request(method, "/v1/" + path, {{"X-Vault-Token", token}}, body.is_null() ? "" : body.dump(),
                          "application/json");
  }

  SupervisedStack* stack_ = nullptr;
};

TEST_P(AgentStack, BothRowsComeUpAndTheStackFileSaysHowAgentsAuthenticate) {
  const ServiceEntry& entry = bridge();
  EXPECT_EQ(entry.mcp.transport, "streamable-http");
  EXPECT_EQ(entry.mcp.profile, "agent-bridge");
  ASSERT_TRUE(entry.mcp.rate_limit.has_value());
  EXPECT_EQ(entry.mcp.rate_limit->to_string(), "50/1000ms");
  ASSERT_TRUE(entry.mcp.auth.has_value());
  EXPECT_EQ(auth().default_kind, "api_key");
  EXPECT_THAT(auth().agents, ::testing::ElementsAre("agent-a", "agent-b", "agent-c"));
  ASSERT_TRUE(auth().api_key && auth().static_jwt && auth().proxy_headers);
  EXPECT_EQ(auth().api_key->header, "X-API-Key");
  EXPECT_EQ(auth().static_jwt->alg, "HS256");
  EXPECT_EQ(auth().static_jwt->iss, "mcp-harness");
  EXPECT_EQ(auth().static_jwt->aud, "agent-bridge-mcp");
  EXPECT_EQ(auth().proxy_headers->dn_header, "X-SSL-Client-S-DN");
  EXPECT_EQ(auth().proxy_headers->verify_header, "X-SSL-Client-Verify");
  // Every secret the stack made is its owner's alone.
  const fs::path run_dir = stack_->run_dir();
  ASSERT_TRUE(auth().client_credentials);
  EXPECT_EQ(auth().client_credentials->token_url, auth().client_credentials->issuer + "/oauth2/token");
  EXPECT_EQ(auth().client_credentials->audience, "agent-bridge-mcp");
  for (const char* secret : {"agents/api-keys.json", "agents/jwt-hs256.key", "agents/agents.txt", "agents/vault-token",
                             "agents/clients.json", "agents/oauth-clients.txt"}) {
    struct stat info{};
    ASSERT_EQ(::stat((run_dir / secret).c_str(), &info), 0) << secret;
    EXPECT_EQ(info.st_mode & 0777, 0600u) << secret;
  }
  // The agents file holds digests, never a key.
  const std::string agents_file = testing::read_file(run_dir / "agents/agents.txt");
  EXPECT_THAT(agents_file, ::testing::Not(HasSubstr(api_key("agent-a"))));
  const Json clients = Json::parse(testing::read_file(run_dir / "agents/clients.json"));
  const std::string client_secret = clients["agent-a"]["client_secret"];
  EXPECT_THAT(testing::read_file(run_dir / "agents/oauth-clients.txt"), ::testing::Not(HasSubstr(client_secret)));
  EXPECT_THAT(testing::read_file(stack_->stack_file()), ::testing::Not(HasSubstr(client_secret)));
  EXPECT_THAT(testing::read_file(stack_->stack_file()), ::testing::Not(HasSubstr(api_key("agent-a"))));

  if (!proxy()) {
    ASSERT_TRUE(file().supervisor.has_value());
    EXPECT_THAT(testing::read_file(file().supervisor->log), HasSubstr("tls-proxy: skipped: nginx is not installed"))
        << "the stack says why it runs without its TLS proxy";
    EXPECT_FALSE(auth().mtls.has_value()) << "no proxy, no client certificates";
    GTEST_SKIP() << "nginx is not installed: the stack runs without its TLS proxy (scripts/bootstrap installs it)";
  }
  EXPECT_EQ(proxy()->proxy.upstream, "agent-bridge-mcp");
  EXPECT_EQ(proxy()->proxy.ca_file, (run_dir / "tls/ca.pem").string());
  EXPECT_EQ(proxy()->implementation, "native");
  ASSERT_TRUE(auth().mtls.has_value());
  EXPECT_EQ(auth().mtls->proxy_url, proxy()->url + "/mcp");
  EXPECT_EQ(auth().mtls->direct_url, entry.url);
  for (const char* key : {"tls/agents-ca.key", "tls/server.key"}) {
    struct stat info{};
    ASSERT_EQ(::stat((run_dir / key).c_str(), &info), 0) << key;
    EXPECT_EQ(info.st_mode & 0777, 0600u) << key;
  }
  EXPECT_FALSE(fs::exists(run_dir / "tls/ca.key")) << "the stack CA's key is not kept";
}

TEST_P(AgentStack, AnApiKeyReadsItsOwnSecretsAndNoOtherAgents) {
  const auto read = [&](const std::string& agent, const std::string& path) {
    return rpc(bridge().url, "kv.read", {{"path", path}}, {{"X-API-Key", api_key(agent)}});
  };
  EXPECT_EQ(read_data(read("agent-a", "jira")), (Json{{"token", "agent-a-jira"}}));
  EXPECT_EQ(read_data(read("agent-a", "deploy/key")), (Json{{"value", "agent-a-deploy"}}));
  EXPECT_EQ(read_data(read("agent-b", "jira")), (Json{{"token", "agent-b-jira"}}));
  EXPECT_EQ(read_data(read("agent-c", "jira")), (Json{{"token", "agent-c-jira"}}));
  // agent-b's key never reaches agent-a's prefix: a path out of its own is refused, and
  // agent-a's deploy key is simply not among agent-b's secrets.
  const http::ClientResponse escape = read("agent-b", "../agent-a/jira");
  EXPECT_THAT(escape.body, HasSubstr("path refused"));
  EXPECT_THAT(escape.body, ::testing::Not(HasSubstr("agent-a-jira")));
  EXPECT_EQ(Json::parse(read("agent-b", "deploy/key").body)["result"]["structuredContent"]["found"], false);
  EXPECT_EQ(rpc(bridge().url, "kv.read", {{"path", "jira"}}, {{"X-API-Key", "not-a-key"}}).status, 401);

  // Vault enforces it too: the bridge's parent token is not root and reads nothing itself, and
  // a child it makes for agent-b through the token role cannot read agent-a's secret.
  const std::string parent = trimmed(testing::read_file(stack_->run_dir() / "agents/vault-token"));
  EXPECT_EQ(vault("GET", "secret/data/mcp/agent-a/jira", parent).status, 403);
  EXPECT_EQ(vault("POST", "auth/token/create", parent, {{"policies", {"mcp-agent-agent-b"}}}).status, 403)
      << "the parent creates tokens through the role only";
  const http::ClientResponse child = vault("POST", "auth/token/create/" + std::string(provision::kAgentTokenRole), parent,
                                           {{"policies", {"mcp-agent-agent-b"}}, {"no_default_policy", true}, {"ttl", "60s"}});
  ASSERT_EQ(child.status, 200) << child.body;
  const std::string token = Json::parse(child.body)["auth"]["client_token"];
  EXPECT_EQ(vault("GET", "secret/data/mcp/agent-b/jira", token).status, 200);
  EXPECT_EQ(vault("GET", "secret/data/mcp/agent-a/jira", token).status, 403);
  EXPECT_EQ(vault("POST", "auth/token/create/" + std::string(provision::kAgentTokenRole), parent, {{"policies", {"user-secrets"}}}).status,
            400)
      << "the role allows mcp-agent-* only";
}

TEST_P(AgentStack, AClientCertificateFromTheAgentsCaIdentifiesTheAgentThroughTheProxy) {
  if (!proxy()) GTEST_SKIP() << "nginx is not installed: the stack runs without its TLS proxy (scripts/bootstrap installs it)";
  const MtlsAuth& mtls = *auth().mtls;
  proc::TempDir dir("mcph-agent-cert");
  const tls::TestCa agents_ca = tls::TestCa::load(dir.path(), {mtls.client_ca_cert, mtls.client_ca_key});
  const tls::CertificateFiles agent_b = agents_ca.issue_client("agent-b", {{"O", "mcph"}, {"CN", "agent-b"}});
  http::ClientOptions options;
  options.ca_file = mtls.server_ca_file;
  options.client_certificate_file = agent_b.certificate.string();
  options.client_key_file = agent_b.private_key.string();
  const http::ClientResponse own = rpc(mtls.proxy_url, "kv.read", {{"path", "jira"}}, {}, options);
  ASSERT_EQ(own.status, 200) << own.body;
  EXPECT_EQ(read_data(own), (Json{{"token", "agent-b-jira"}}));
  // Its scopes are agent-b's (read, list): no write.
  EXPECT_EQ(rpc(mtls.proxy_url, "kv.write", {{"path", "jira"}, {"data", {{"token", "x"}}}}, {}, options).status, 403);

  http::ClientOptions anonymous;
  anonymous.ca_file = mtls.server_ca_file;
  EXPECT_EQ(rpc(mtls.proxy_url, "kv.read", {{"path", "jira"}}, {}, anonymous).status, 401) << "no certificate: NONE";
  // A client cannot claim an identity through the proxy: its own identity headers are replaced.
  EXPECT_EQ(rpc(mtls.proxy_url, "kv.read", {{"path", "jira"}},
                {{"X-SSL-Client-S-DN", "CN=agent-a"}, {"X-SSL-Client-Verify", "SUCCESS"}}, anonymous)
                .status,
            401);
  // Nor around it: identity headers sent straight to the bridge come from 127.0.0.1, not from the
  // proxy's own address, and are not believed.
  EXPECT_EQ(rpc(bridge().url, "kv.read", {{"path", "jira"}},
                {{"X-SSL-Client-S-DN", "CN=agent-a"}, {"X-SSL-Client-Verify", "SUCCESS"}})
                .status,
            401);
  // A certificate from another CA is refused by nginx itself.
  const tls::TestCa stranger(dir.path(), "stranger CA");
  const tls::CertificateFiles forged = stranger.issue_client("forged", {{"CN", "agent-a"}});
  http::ClientOptions forged_options = anonymous;
  forged_options.client_certificate_file = forged.certificate.string();
  forged_options.client_key_file = forged.private_key.string();
  EXPECT_EQ(rpc(mtls.proxy_url, "kv.read", {{"path", "jira"}}, {}, forged_options).status, 400);
}

TEST_P(AgentStack, ProvisioningTwiceGivesTheSameState) {
  const fs::path run_dir = stack_->run_dir();
  const std::string keys = testing::read_file(run_dir / "agents/api-keys.json");
  const std::string secret = testing::read_file(run_dir / "agents/jwt-hs256.key");
  const std::string token = testing::read_file(run_dir / "agents/vault-token");
  const std::string agents_file = testing::read_file(run_dir / "agents/agents.txt");
  const std::string clients = testing::read_file(run_dir / "agents/clients.json");
  const std::string root = file().service("vault").vault.token;
  const std::string policy_before = vault("GET", "sys/policies/acl/mcp-agent-agent-a", root).body;
  const std::string role_before = vault("GET", "auth/token/roles/mcp-agent", root).body;

  provision::AgentProvisionOptions options;
  options.run_dir = run_dir;
  const provision::ProvisionedAgents again = provision::provision_agents(provision_target(file()), options);
  EXPECT_EQ(again.changes, 0);
  EXPECT_EQ(testing::read_file(run_dir / "agents/api-keys.json"), keys);
  EXPECT_EQ(testing::read_file(run_dir / "agents/jwt-hs256.key"), secret);
  EXPECT_EQ(testing::read_file(run_dir / "agents/vault-token"), token);
  EXPECT_EQ(testing::read_file(run_dir / "agents/agents.txt"), agents_file);
  EXPECT_EQ(testing::read_file(run_dir / "agents/clients.json"), clients);
  EXPECT_EQ(Json::parse(vault("GET", "sys/policies/acl/mcp-agent-agent-a", root).body)["data"],
            Json::parse(policy_before)["data"]);
  EXPECT_EQ(Json::parse(vault("GET", "auth/token/roles/mcp-agent", root).body)["data"], Json::parse(role_before)["data"]);
  // The bridge still works with what it was started with.
  EXPECT_EQ(read_data(rpc(bridge().url, "kv.read", {{"path", "jira"}}, {{"X-API-Key", api_key("agent-c")}})),
            (Json{{"token", "agent-c-jira"}}));
}

// Last: stops the shared stack.
TEST_P(AgentStack, DownStopsNginxAndTheBridgeAndLeavesNoProcess) {
  const StackFile recorded = file();
  const fs::path run_dir = stack_->run_dir();
  std::vector<std::string> named;
  for (const auto& [name, pid] : testing::processes_of(recorded)) named.push_back(name);
  EXPECT_THAT(named, ::testing::Contains(HasSubstr("agent-bridge-mcp")));
  if (proxy()) {
    EXPECT_THAT(named, ::testing::Contains(HasSubstr("tls-proxy")));
  }
  const StopReport report = stack_->stop();
  stacks().erase(GetParam());
  EXPECT_TRUE(report.was_running);
  EXPECT_THAT(report.survivors, IsEmpty());
  EXPECT_THAT(testing::survivors(recorded, std::chrono::milliseconds(0)), IsEmpty());
  EXPECT_THAT(testing::processes_naming(run_dir), IsEmpty()) << "nginx, the bridge or anything else of the stack";
}

INSTANTIATE_TEST_SUITE_P(Local, AgentStack, ::testing::Values(StackMode::local));
INSTANTIATE_TEST_SUITE_P(Real, AgentStack, ::testing::Values(StackMode::real));

}  // namespace
}  // namespace mcph::harness::stack
