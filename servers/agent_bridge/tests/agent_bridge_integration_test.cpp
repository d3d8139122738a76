// agent-bridge-mcp end to end: a mock-vault of its own with the agents' policies, and bridges
// started per test with the flags under test. Each --unsafe-* switch has a test showing its
// defect.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <chrono>
#include <fstream>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include <nlohmann/json.hpp>

#include "mcph/agent_bridge/agent_policy.h"
#include "mcph/agent_bridge/agents_file.h"
#include "mcph/codec/base64.h"
#include "mcph/http/client.h"
#include "mcph/http/server.h"
#include "mcph/jose/jwk.h"
#include "mcph/jose/jws.h"
#include "mcph/jose/key.h"
#include "mcph/mcp/client.h"
#include "mcph/openssl/crypto.h"
#include "mcph/proc/private_file.h"
#include "mcph/proc/service.h"
#include "mcph/proc/temp_dir.h"
#include "mcph/tls/test_ca.h"

namespace mcph::agent_bridge {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;
using Json = nlohmann::json;

constexpr const char* kRootToken = "bridge-root";
constexpr const char* kIssuer = "https://issuer.test";
constexpr const char* kAudience = "agent-bridge";
const std::string kHmacSecret = "a-shared-secret-of-at-least-32-bytes!!";

struct Reply {
  int status = 0;
  Json body;
  std::string www_authenticate, retry_after;
};

// An RSA key published as a one-key JWKS (kid k1, RS256) at url(), served in process.
struct RsaJwks {
  jose::Key key = jose::Key::generate_rsa();
  std::string set = "{\"keys\":[" + jose::Jwk{key, "k1", jose::Alg::RS256, "sig"}.to_public_json() + "]}";
  http::Server server{http::ServerOptions{}};

  RsaJwks() {
    server.route("GET", "/jwks", [this](const http::Request&, http::Response& res) { res.set_json(200, set); });
    server.start();
  }
  std::string url() const { return server.url() + "/jwks"; }
};

class AgentBridge : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    dir_ = new proc::TempDir("agent-bridge");
    audit_log_ = (dir_->path() / "audit.log").string();
    proc::SpawnOptions vault;
    vault.name = "mock-vault";
    vault.argv = {MOCK_VAULT_PATH, "--port", "0", "--dev-root-token-id", kRootToken, "--audit-log", audit_log_, "--quiet"};
    vault_ = new proc::StartedService(proc::start_service(vault));
    // agent-r holds "read-all", which must not grant "read".
    const std::vector<std::pair<std::string, std::vector<std::string>>> agents = {
        {"agent-a", {"read", "write", "list", "delete"}},
        {"agent-b", {"read", "write", "list", "delete"}},
        {"agent-r", {"read-all", "list"}},
        {"agent-w", {"write"}}};
    std::string file;
    for (const auto& [id, scopes] : agents) {
      file += id + " " + sha256_hex("key-of-" + id);
      for (const auto& scope : scopes) file += " " + scope;
      file += "\n";
      // The policy grants everything: the server's scope check is what these tests watch.
      vault_put("sys/policies/acl/" + agent_policy_name(id),
                {{"policy", agent_policy_hcl("secret", id, {"read", "write", "list", "delete"})}});
    }
    proc::write_private_file(dir_->path() / "agents", file);
    proc::write_private_file(dir_->path() / "jwt-secret", kHmacSecret);
    proc::write_private_file(dir_->path() / "vault-token", kRootToken);
    vault_put("secret/data/mcp/agent-b/x", {{"data", {{"owner", "b"}}}});
  }
  static void TearDownTestSuite() {
    delete vault_;
    delete dir_;
  }

  static void vault_put(const std::string& path, const Json& body) {
    http::Client client(vault_->url);
    const auto reply = client.request("POST", "/v1/" + path, {{"X-Vault-Token", kRootToken}}, body.dump(), "application/json");
    ASSERT_LT(reply.status, 300) << path << ": " << reply.body;
  }

  static proc::StartedService start_bridge(const std::vector<std::string>& extra = {}, bool with_defaults = true) {
    proc::SpawnOptions spawn;
    spawn.name = "agent-bridge-mcp";
    spawn.argv = {AGENT_BRIDGE_PATH, "--port", "0", "--vault-url", vault_->url,
                  "--vault-token-file", (dir_->path() / "vault-token").string(),
                  "--agents-file", (dir_->path() / "agents").string()};
    if (with_defaults) {
      for (const std::string& flag : std::vector<std::string>{"--api-keys", "--jwt-secret-file", (dir_->path() / "jwt-secret").string(),
                                     "--jwt-issuer", std::string(kIssuer), "--jwt-audience", std::string(kAudience),
                                     "--trusted-proxy", std::string("127.0.0.2")}) {
        spawn.argv.push_back(flag);
      }
    }
    spawn.argv.insert(spawn.argv.end(), extra.begin(), extra.end());
    return proc::start_service(spawn);
  }

  static std::string api_key(const std::string& agent) { return "key-of-" + agent; }
  static std::string hs256(const Json& claims) {
    return jose::sign_jwt(jose::Key::hmac(kHmacSecret), jose::Alg::HS256, claims.dump());
  }
  static Json claims_of(const std::string& agent, const std::string& scope = "read write list delete") {
    return {{"iss", kIssuer}, {"aud", kAudience}, {"sub", agent}, {"scope", scope},
            {"exp", std::chrono::duration_cast<std::chrono::seconds>(std::chrono::system_clock::now().time_since_epoch()).count() + 300}};
  }

  static Reply rpc(const std::string& url, const http::Fields& headers, const std::string& method, const Json& params) {
    http::Client client(url);
    const Json request = {{"jsonrpc", "2.0"}, {"id", 1}, {"method", method}, {"params", params}};
    const auto answer = client.request("POST", "/mcp/rpc", headers, request.dump(), "application/json");
    Reply reply;
    reply.status = answer.status;
    reply.body = Json::parse(answer.body, nullptr, false);
    for (const auto& [name, value] : answer.headers) {
      if (name == "WWW-Authenticate" || name == "www-authenticate") reply.www_authenticate = value;
      if (name == "Retry-After" || name == "retry-after") reply.retry_after = value;
    }
    return reply;
  }
  static Reply call(const std::string& url, const http::Fields& headers, const std::string& tool, const Json& args) {
    return rpc(url, headers, "tools/call", {{"name", tool}, {"arguments", args}});
  }
  static http::Fields key_of(const std::string& agent) { return {{"X-API-Key", api_key(agent)}}; }
  static http::Fields bearer(const std::string& token) { return {{"Authorization", "Bearer " + token}}; }

  // The request paths of the audit log's request entries from line `from` on.
  static std::vector<std::string> audited_paths(std::size_t from = 0) {
    std::ifstream in(audit_log_);
    std::vector<std::string> paths;
    std::string line;
    for (std::size_t number = 0; std::getline(in, line); ++number) {
      if (number < from) continue;
      const Json entry = Json::parse(line, nullptr, false);
      if (entry.is_object() && entry.value("type", "") == "request") paths.push_back(entry["request"].value("path", ""));
    }
    return paths;
  }
  // The audited request entries (path, hashed client token) from line `from` on.
  static std::vector<std::pair<std::string, std::string>> audited_requests(std::size_t from) {
    std::ifstream in(audit_log_);
    std::vector<std::pair<std::string, std::string>> requests;
    std::string line;
    for (std::size_t number = 0; std::getline(in, line); ++number) {
      const Json entry = Json::parse(line, nullptr, false);
      if (number < from || !entry.is_object() || entry.value("type", "") != "request") continue;
      requests.emplace_back(entry["request"].value("path", ""), entry["request"].value("client_token", ""));
    }
    return requests;
  }
  // A token as the audit log records it (sys/audit-hash of the file device).
  static std::string audit_hash(const std::string& token) {
    http::Client client(vault_->url);
    const auto reply = client.request("POST", "/v1/sys/audit-hash/file", {{"X-Vault-Token", kRootToken}},
                                      Json{{"input", token}}.dump(), "application/json");
    return Json::parse(reply.body, nullptr, false)["data"].value("hash", "");
  }
  static std::size_t audit_lines() {
    std::ifstream in(audit_log_);
    std::size_t count = 0;
    for (std::string line; std::getline(in, line);) ++count;
    return count;
  }

  static proc::TempDir* dir_;
  static proc::StartedService* vault_;
  static std::string audit_log_;
};
proc::TempDir* AgentBridge::dir_ = nullptr;
proc::StartedService* AgentBridge::vault_ = nullptr;
std::string AgentBridge::audit_log_;

bool is_result(const Reply& reply) { return reply.status == 200 && reply.body.contains("result"); }

TEST_F(AgentBridge, AnApiKeyAgentWritesReadsListsAndDeletesItsOwnSecret) {
  auto bridge = start_bridge();
  ASSERT_TRUE(is_result(call(bridge.url, key_of("agent-a"), "kv.write", {{"path", "app/cfg"}, {"data", {{"k", "v"}}}})));
  const Reply read = call(bridge.url, key_of("agent-a"), "kv.read", {{"path", "app/cfg"}});
  ASSERT_TRUE(is_result(read)) << read.body.dump();
  EXPECT_EQ(read.body["result"]["structuredContent"]["data"]["k"], "v");
  const Reply list = call(bridge.url, key_of("agent-a"), "kv.list", {{"path", "app"}});
  ASSERT_TRUE(is_result(list)) << list.body.dump();
  EXPECT_EQ(list.body["result"]["structuredContent"]["keys"], Json::array({"cfg"}));
  const Reply resource = rpc(bridge.url, key_of("agent-a"), "resources/read", {{"uri", "kv://agent-a/app/cfg"}});
  ASSERT_TRUE(is_result(resource)) << resource.body.dump();
  EXPECT_EQ(Json::parse(resource.body["result"]["contents"][0]["text"].get<std::string>()), (Json{{"k", "v"}}));
  ASSERT_TRUE(is_result(call(bridge.url, key_of("agent-a"), "kv.delete", {{"path", "app/cfg"}})));
  const Reply gone = rpc(bridge.url, key_of("agent-a"), "resources/read", {{"uri", "kv://agent-a/app/cfg"}});
  EXPECT_FALSE(is_result(gone)) << "a secret not there is no resource, as another agent's is not: " << gone.body.dump();
}

TEST_F(AgentBridge, AJwtAgentReadsItsOwnSecretAndTheAuditLogShowsOnlyItsPrefix) {
  auto bridge = start_bridge();
  const std::size_t from = audit_lines();
  const auto token = hs256(claims_of("agent-b"));
  const Reply read = call(bridge.url, bearer(token), "kv.read", {{"path", "x"}});
  ASSERT_TRUE(is_result(read)) << read.body.dump();
  EXPECT_EQ(read.body["result"]["structuredContent"]["data"]["owner"], "b");
  const auto paths = audited_paths(from);
  EXPECT_THAT(paths, ::testing::Contains("auth/token/create"));
  EXPECT_THAT(paths, ::testing::Contains("secret/data/mcp/agent-b/x"));
  for (const auto& path : paths) {
    EXPECT_TRUE(path == "auth/token/create" || path.rfind("secret/data/mcp/agent-b/", 0) == 0) << path;
  }
}

// The traceparent values Vault audited for each request entry from line `from` on (Vault records
// the header once sys/config/auditing/request-headers names it).
std::vector<std::vector<std::string>> audited_traceparents(const std::string& audit_log, std::size_t from) {
  std::ifstream in(audit_log);
  std::vector<std::vector<std::string>> values;
  std::string line;
  for (std::size_t number = 0; std::getline(in, line); ++number) {
    const Json entry = Json::parse(line, nullptr, false);
    if (number < from || !entry.is_object() || entry.value("type", "") != "request") continue;
    values.push_back(entry.value("/request/headers/traceparent"_json_pointer, std::vector<std::string>{}));
  }
  return values;
}

TEST_F(AgentBridge, EveryVaultRequestOfACallCarriesTheCallsTraceInASpanOfItsOwn) {
  vault_put("sys/config/auditing/request-headers/traceparent", {{"hmac", false}});
  auto bridge = start_bridge();
  const std::string trace_id = "4bf92f3577b34da6a3ce929d0e0e4736", caller_span = "00f067aa0ba902b7";
  const http::Fields traced = {{"X-API-Key", api_key("agent-b")}, {"traceparent", "00-" + trace_id + "-" + caller_span + "-01"}};
  const auto expect_traced = [&](std::size_t from, const std::string& how) {
    const auto entries = audited_traceparents(audit_log_, from);
    ASSERT_EQ(entries.size(), 2u) << how << ": the child token's creation and the KV read";
    for (const auto& values : entries) {
      ASSERT_EQ(values.size(), 1u) << how;
      EXPECT_THAT(values[0], ::testing::StartsWith("00-" + trace_id + "-")) << how;
      EXPECT_THAT(values[0], Not(HasSubstr(caller_span))) << how << ": a span of the bridge's own";
    }
  };
  std::size_t from = audit_lines();
  ASSERT_TRUE(is_result(call(bridge.url, traced, "kv.read", {{"path", "x"}})));
  expect_traced(from, "POST /mcp/rpc");

  from = audit_lines();
  mcp::Client client(bridge.url + "/mcp");
  client.set_header("X-API-Key", api_key("agent-b"));
  ASSERT_TRUE(client.connect().ok());
  ASSERT_TRUE(client.call_tool("kv.read", R"({"path":"x"})", {traced[1]}).ok());
  expect_traced(from, "the MCP endpoint");

  from = audit_lines();
  ASSERT_TRUE(is_result(call(bridge.url, key_of("agent-b"), "kv.read", {{"path", "x"}})));
  for (const auto& values : audited_traceparents(audit_log_, from)) EXPECT_TRUE(values.empty()) << "no trace: none sent on";
}

TEST_F(AgentBridge, StreamableHttpServesTheSameToolsToAnIdentifiedAgent) {
  auto bridge = start_bridge();
  mcp::Client client(bridge.url + "/mcp");
  client.set_header("X-API-Key", api_key("agent-b"));
  ASSERT_TRUE(client.connect().ok());
  const auto read = client.call_tool("kv.read", R"({"path":"x"})");
  ASSERT_TRUE(read.ok()) << read.rpc.body;
  EXPECT_THAT(read.structured_content, HasSubstr("\"owner\":\"b\""));
  client.set_header("X-API-Key", api_key("agent-w"));
  mcp::Client writer(bridge.url + "/mcp");
  writer.set_header("X-API-Key", api_key("agent-w"));
  ASSERT_TRUE(writer.connect().ok());
  const auto refused = writer.call_tool("kv.read", R"({"path":"x"})");
  EXPECT_TRUE(refused.is_error);
  EXPECT_THAT(refused.text(), HasSubstr("insufficient_scope"));
}

TEST_F(AgentBridge, AgentACannotReachAgentBsSecrets) {
  auto bridge = start_bridge();
  const std::size_t from = audit_lines();
  for (const auto& [tool, args] : std::vector<std::pair<std::string, Json>>{
           {"kv.read", {{"path", "../agent-b/x"}}},
           {"kv.write", {{"path", "../agent-b/x"}, {"data", {{"owner", "a"}}}}},
           {"kv.list", {{"path", "../agent-b"}}},
           {"kv.delete", {{"path", "../agent-b/x"}}}}) {
    const Reply reply = call(bridge.url, key_of("agent-a"), tool, args);
    EXPECT_FALSE(is_result(reply)) << tool << ": " << reply.body.dump();
  }
  const Reply resource = rpc(bridge.url, key_of("agent-a"), "resources/read", {{"uri", "kv://agent-b/x"}});
  EXPECT_FALSE(is_result(resource)) << resource.body.dump();
  // A's own read of "x" is A's x, not B's.
  const Reply own = call(bridge.url, key_of("agent-a"), "kv.read", {{"path", "x"}});
  ASSERT_TRUE(is_result(own)) << own.body.dump();
  EXPECT_EQ(own.body["result"]["structuredContent"]["found"], false);
  const auto paths = audited_paths(from);
  EXPECT_THAT(paths, ::testing::Contains("secret/data/mcp/agent-a/x"));
  for (const auto& path : paths) {
    EXPECT_TRUE(path == "auth/token/create" || path.rfind("secret/data/mcp/agent-a/", 0) == 0) << path;
  }
  // Only the parent creates tokens; every KV request is made with a child token, not the parent.
  const std::string parent = audit_hash(kRootToken);
  ASSERT_FALSE(parent.empty());
  for (const auto& [path, token] : audited_requests(from)) {
    if (path.rfind("sys/", 0) == 0) continue;  // the test's own audit-hash
    if (path == "auth/token/create") {
      EXPECT_EQ(token, parent);
    } else {
      EXPECT_NE(token, parent) << path << " was read with the parent token";
      EXPECT_FALSE(token.empty()) << path;
    }
  }
}

TEST_F(AgentBridge, EveryPathTrickIsRefused) {
  auto bridge = start_bridge();
  for (const std::string& trick : std::vector<std::string>{"../b/x", "..%2Fb", "%2e%2e/", "a/../../b", "./", "//", "a\\b", std::string("a\0b", 3)}) {
    const Reply reply = call(bridge.url, key_of("agent-a"), "kv.read", {{"path", trick}});
    ASSERT_EQ(reply.status, 200);
    EXPECT_EQ(reply.body["error"]["code"], -32602) << trick << ": " << reply.body.dump();
  }
}

TEST_F(AgentBridge, AQuestionMarkInAPathIsPartOfTheNameNotAQuery) {
  auto bridge = start_bridge();
  ASSERT_TRUE(is_result(call(bridge.url, key_of("agent-a"), "kv.write", {{"path", "q?list=true"}, {"data", {{"k", "q"}}}})));
  const Reply read = call(bridge.url, key_of("agent-a"), "kv.read", {{"path", "q?list=true"}});
  ASSERT_TRUE(is_result(read)) << read.body.dump();
  EXPECT_EQ(read.body["result"]["structuredContent"]["data"]["k"], "q") << read.body.dump();
  const Reply other = call(bridge.url, key_of("agent-a"), "kv.read", {{"path", "q"}});
  EXPECT_EQ(other.body["result"]["structuredContent"]["found"], false) << other.body.dump();
}

TEST_F(AgentBridge, AMissingScopeIs403InsufficientScopeAndSubstringsGrantNothing) {
  auto bridge = start_bridge();
  const Reply write = call(bridge.url, key_of("agent-r"), "kv.write", {{"path", "p"}, {"data", Json::object()}});
  EXPECT_EQ(write.status, 403);
  // The scope it needs and, as in a 401, where the resource's metadata is (RFC 9728 §5.1).
  EXPECT_EQ(write.www_authenticate, "Bearer resource_metadata=\"" + bridge.url + "/.well-known/oauth-protected-resource\", "
                                    "scope=\"write\", error=\"insufficient_scope\", error_description=\"this call needs scope write\"");
  const Reply read = call(bridge.url, key_of("agent-r"), "kv.read", {{"path", "p"}});
  EXPECT_EQ(read.status, 403) << "read-all granted read";
  EXPECT_EQ(call(bridge.url, key_of("agent-w"), "kv.list", Json::object()).status, 403);
  EXPECT_EQ(call(bridge.url, key_of("agent-w"), "kv.delete", {{"path", "p"}}).status, 403);
  EXPECT_EQ(call(bridge.url, bearer(hs256(claims_of("agent-a", "read-all"))), "kv.read", {{"path", "p"}}).status, 403);
}

TEST_F(AgentBridge, BadJwtsAre401) {
  auto bridge = start_bridge();
  Json no_aud = claims_of("agent-a");
  no_aud.erase("aud");
  Json wrong_aud = claims_of("agent-a");
  wrong_aud["aud"] = "another-server";
  Json wrong_iss = claims_of("agent-a");
  wrong_iss["iss"] = "https://evil.test";
  Json expired = claims_of("agent-a");
  expired["exp"] = 1000;
  const std::string none = jose::sign_compact(jose::Key::hmac(kHmacSecret), jose::Alg::HS256, R"({"alg":"none"})",
                                              claims_of("agent-a").dump());
  const std::string unsigned_none = none.substr(0, none.rfind('.') + 1);
  for (const std::string& token : {hs256(no_aud), hs256(wrong_aud), hs256(wrong_iss), hs256(expired), unsigned_none,
                                   jose::sign_jwt(jose::Key::hmac("another-secret-of-at-least-32-bytes!"), jose::Alg::HS256,
                                                  claims_of("agent-a").dump())}) {
    const Reply reply = call(bridge.url, bearer(token), "kv.read", {{"path", "p"}});
    EXPECT_EQ(reply.status, 401) << reply.body.dump();
    EXPECT_THAT(reply.www_authenticate, HasSubstr("invalid_token"));
  }
  const Reply missing = call(bridge.url, {}, "kv.read", {{"path", "p"}});
  EXPECT_EQ(missing.status, 401);
  EXPECT_THAT(missing.www_authenticate, HasSubstr("Bearer"));
}

TEST_F(AgentBridge, A401NamesTheProtectedResourceMetadataWhichSaysWhereTheResourceIs) {
  auto bridge = start_bridge();
  const std::string metadata_url = bridge.url + "/.well-known/oauth-protected-resource";
  const Reply missing = call(bridge.url, {}, "kv.read", {{"path", "p"}});
  EXPECT_EQ(missing.status, 401);
  EXPECT_EQ(missing.www_authenticate, "Bearer resource_metadata=\"" + metadata_url + "\"");  // bare: no error code
  const Reply bad = call(bridge.url, key_of("nobody"), "kv.read", {{"path", "p"}});
  EXPECT_EQ(bad.status, 401);
  EXPECT_THAT(bad.www_authenticate, HasSubstr("resource_metadata=\"" + metadata_url + "\""));
  EXPECT_THAT(bad.www_authenticate, HasSubstr("error=\"invalid_token\""));
  mcp::Client session(bridge.url + "/mcp");
  const auto refused = session.connect();
  EXPECT_EQ(refused.http_status, 401);
  EXPECT_THAT(refused.header("WWW-Authenticate"), HasSubstr("resource_metadata=\"" + metadata_url + "\""));

  http::Client client(bridge.url);
  for (const char* path : {"/.well-known/oauth-protected-resource", "/.well-known/oauth-protected-resource/mcp"}) {
    const auto document = client.get(path);
    ASSERT_EQ(document.status, 200) << path;
    const Json metadata = Json::parse(document.body);
    EXPECT_EQ(metadata["resource"], bridge.url + "/mcp") << path;
    EXPECT_EQ(metadata["scopes_supported"], Json::array({"read", "write", "list", "delete"}));
    EXPECT_EQ(metadata["authorization_servers"], Json::array({kIssuer}));  // the JWT issuer, a URL
  }
}

TEST_F(AgentBridge, BehindAProxyTheMetadataNamesThePublicUrl) {
  auto bridge = start_bridge({"--public-url", "https://agents.example:8443"});
  const Reply missing = call(bridge.url, {}, "kv.read", {{"path", "p"}});
  EXPECT_EQ(missing.www_authenticate, "Bearer resource_metadata=\"https://agents.example:8443/.well-known/oauth-protected-resource\"");
  const Json metadata = Json::parse(http::Client(bridge.url).get("/.well-known/oauth-protected-resource").body);
  EXPECT_EQ(metadata["resource"], "https://agents.example:8443/mcp");
}

TEST_F(AgentBridge, AnHs256TokenSignedWithTheRsaPublicKeyIsRefusedByAnRs256Bridge) {
  RsaJwks jwks;
  const jose::Key& rsa = jwks.key;
  auto bridge = start_bridge({"--jwks-url", jwks.url(), "--jwt-issuer", kIssuer, "--jwt-audience", kAudience},
                             /*with_defaults=*/false);
  const Reply good = call(bridge.url, bearer(jose::sign_jwt(rsa, jose::Alg::RS256, claims_of("agent-b").dump(), "k1")),
                          "kv.read", {{"path", "x"}});
  EXPECT_TRUE(is_result(good)) << good.body.dump();
  const std::string confused =
      jose::sign_jwt(jose::Key::hmac(rsa.public_pem()), jose::Alg::HS256, claims_of("agent-b").dump(), "k1");
  EXPECT_EQ(call(bridge.url, bearer(confused), "kv.read", {{"path", "x"}}).status, 401);
  jwks.server.stop();
}

TEST_F(AgentBridge, AJwksThatCannotBeRefetchedIsUsedNoLongerThanItsStatedBound) {
  RsaJwks jwks;
  const jose::Key& rsa = jwks.key;
  auto bridge = start_bridge({"--jwks-url", jwks.url(), "--jwt-issuer", kIssuer, "--jwt-audience", kAudience,
                              "--jwks-max-age", "0", "--jwks-max-stale", "1", "--jwks-refetch-ms", "0",
                              "--vault-timeout-ms", "500"},
                             /*with_defaults=*/false);
  const std::string token = jose::sign_jwt(rsa, jose::Alg::RS256, claims_of("agent-b").dump(), "k1");
  EXPECT_TRUE(is_result(call(bridge.url, bearer(token), "kv.read", {{"path", "x"}})));
  jwks.server.stop();
  std::this_thread::sleep_for(std::chrono::milliseconds(1300));
  const Reply stale = call(bridge.url, bearer(token), "kv.read", {{"path", "x"}});
  EXPECT_EQ(stale.status, 503) << stale.body.dump();
}

// An outside authorization server's client credentials token (Keycloak's service accounts: sub
// is the service account, azp the client) names its agent by azp, beside the bridge's own
// HS256 JWTs; a client the agents file does not list, another audience or another key is refused.
TEST_F(AgentBridge, ATrustedIssuersTokenNamesItsAgentByTheClientItWasIssuedTo) {
  RsaJwks jwks;
  const std::string realm = "http://127.0.0.1:1/realms/agents";
  auto bridge = start_bridge({"--trusted-issuer", realm, "--trusted-issuer-jwks-url", jwks.url(),
                              "--trusted-issuer-audience", "agent-bridge-mcp"});
  const auto service_account = [&](const std::string& client, const std::string& aud, const jose::Key& key) {
    const long long now = std::chrono::duration_cast<std::chrono::seconds>(std::chrono::system_clock::now().time_since_epoch()).count();
    const Json claims = {{"iss", realm}, {"aud", aud}, {"sub", "5b4c0e1e-0000-4000-8000-000000000001"}, {"azp", client},
                         {"scope", "read"}, {"exp", now + 300}, {"iat", now}};
    return bearer(jose::sign_jwt(key, jose::Alg::RS256, claims.dump(), "k1"));
  };
  const Reply good = call(bridge.url, service_account("agent-b", "agent-bridge-mcp", jwks.key), "kv.read", {{"path", "x"}});
  ASSERT_TRUE(is_result(good)) << good.body.dump();
  EXPECT_EQ(good.body["result"]["structuredContent"]["data"]["owner"], "b");
  EXPECT_EQ(call(bridge.url, service_account("agent-b", "agent-bridge-mcp", jwks.key), "kv.write",
                 {{"path", "x"}, {"data", Json::object()}}).status, 403);  // the token's scope, not the agents file's
  EXPECT_EQ(call(bridge.url, service_account("jira-mcp", "agent-bridge-mcp", jwks.key), "kv.read", {{"path", "x"}}).status, 401);
  EXPECT_EQ(call(bridge.url, service_account("agent-b", "account", jwks.key), "kv.read", {{"path", "x"}}).status, 401);
  EXPECT_EQ(call(bridge.url, service_account("agent-b", "agent-bridge-mcp", jose::Key::generate_rsa()), "kv.read",
                 {{"path", "x"}}).status, 401);
  EXPECT_TRUE(is_result(call(bridge.url, bearer(hs256(claims_of("agent-b"))), "kv.read", {{"path", "x"}})));  // HS256 still
  jwks.server.stop();
}

// A trusted issuer's token bound to a key (Keycloak's DPoP-bound token: typ DPoP, cnf.jkt; or a
// cnf of another method) counts only with a proof of that key, which the bridge does not take:
// as a bearer token it is refused, or a token leaked without its key would work all the same.
TEST_F(AgentBridge, AKeyBoundTokenIsRefusedAsABearerTokenUnlessTheSwitchTakesIt) {
  RsaJwks jwks;
  const std::string realm = "http://127.0.0.1:1/realms/agents";
  const std::vector<std::string> trusted = {"--trusted-issuer", realm, "--trusted-issuer-jwks-url", jwks.url(),
                                            "--trusted-issuer-audience", "agent-bridge-mcp"};
  const auto token = [&](const Json& binding) {
    const long long now = std::chrono::duration_cast<std::chrono::seconds>(std::chrono::system_clock::now().time_since_epoch()).count();
    Json claims = {{"iss", realm}, {"aud", "agent-bridge-mcp"}, {"sub", "5b4c0e1e-0000-4000-8000-000000000001"},
                   {"azp", "agent-b"}, {"scope", "read"}, {"exp", now + 300}, {"iat", now}};
    claims.update(binding);
    return bearer(jose::sign_jwt(jwks.key, jose::Alg::RS256, claims.dump(), "k1"));
  };
  const Json dpop_bound = {{"typ", "DPoP"}, {"cnf", {{"jkt", "0ZcOCORZNYy-DWpqq30jZyJGHTN0d2HglBV3uiguA4I"}}}};
  const Json certificate_bound = {{"typ", "Bearer"}, {"cnf", {{"x5t#S256", "bwcK0esc3ACC3DB2Y5_lESsXE8o9ltc05O89jdN-dg2"}}}};
  const Json dpop_typed = {{"typ", "DPoP"}};
  auto bridge = start_bridge(trusted);
  ASSERT_TRUE(is_result(call(bridge.url, token({{"typ", "Bearer"}}), "kv.read", {{"path", "x"}})));
  for (const Json& binding : {dpop_bound, certificate_bound, dpop_typed}) {
    const Reply reply = call(bridge.url, token(binding), "kv.read", {{"path", "x"}});
    EXPECT_EQ(reply.status, 401) << binding.dump() << ": " << reply.body.dump();
    EXPECT_THAT(reply.www_authenticate, HasSubstr("error=\"invalid_token\"")) << binding.dump();
    EXPECT_THAT(reply.www_authenticate, HasSubstr("DPoP-bound")) << binding.dump();
  }

  std::vector<std::string> sabotaged = trusted;
  sabotaged.push_back("--unsafe-dpop-as-bearer");
  auto taken = start_bridge(sabotaged);
  EXPECT_TRUE(is_result(call(taken.url, token(dpop_bound), "kv.read", {{"path", "x"}})));
  jwks.server.stop();
}

TEST_F(AgentBridge, IdentityHeadersCountOnlyFromTheProxyWithSuccess) {
  auto elsewhere = start_bridge();  // the proxy is 127.0.0.2; these requests come from 127.0.0.1
  const http::Fields good = {{"X-SSL-Client-S-DN", "CN=agent-b,O=Agents"}, {"X-SSL-Client-Verify", "SUCCESS"}};
  EXPECT_EQ(call(elsewhere.url, good, "kv.read", {{"path", "x"}}).status, 401);

  auto proxied = start_bridge({"--trusted-proxy", "127.0.0.1"}, /*with_defaults=*/false);
  const Reply read = call(proxied.url, good, "kv.read", {{"path", "x"}});
  EXPECT_TRUE(is_result(read)) << read.body.dump();
  for (const http::Fields& bad : std::vector<http::Fields>{
           {{"X-SSL-Client-S-DN", "CN=agent-b"}, {"X-SSL-Client-Verify", "FAILED:certificate has expired"}},
           {{"X-SSL-Client-S-DN", "CN=agent-b"}, {"X-SSL-Client-Verify", "NONE"}},
           {{"X-SSL-Client-S-DN", "CN=agent-b"}},
           {{"X-SSL-Client-S-DN", "CN=agent-b\\,CN=agent-a"}, {"X-SSL-Client-Verify", "SUCCESS"}},
           {{"X-SSL-Client-S-DN", "CN=agent-a,CN=agent-b"}, {"X-SSL-Client-Verify", "SUCCESS"}},
           {{"X-SSL-Client-S-DN", "O=Agents"}, {"X-SSL-Client-Verify", "SUCCESS"}}}) {
    EXPECT_EQ(call(proxied.url, bad, "kv.read", {{"path", "x"}}).status, 401) << bad.front().second;
  }
}

TEST_F(AgentBridge, TheServersOwnTlsIdentifiesAnAgentByItsClientCertificate) {
  const tls::TestCa ca(dir_->path(), "agent bridge test CA");
  const auto server = ca.issue_server("bridge-server");
  const auto agent_b = ca.issue_client("agent-b", {{"O", "Agents"}, {"CN", "agent-b"}});
  const auto two_cns = ca.issue_client("two-cns", {{"CN", "agent-a"}, {"CN", "agent-b"}});
  auto bridge = start_bridge({"--tls-cert", server.certificate.string(), "--tls-key", server.private_key.string(),
                              "--tls-client-ca", ca.certificate_file().string()},
                             /*with_defaults=*/false);
  ASSERT_EQ(bridge.url.rfind("https://", 0), 0u) << bridge.url;
  auto read_as = [&](const tls::CertificateFiles& files) {
    http::ClientOptions options;
    options.ca_file = ca.certificate_file().string();
    options.client_certificate_file = files.certificate.string();
    options.client_key_file = files.private_key.string();
    http::Client client(bridge.url, options);
    const Json request = {{"jsonrpc", "2.0"}, {"id", 1}, {"method", "tools/call"},
                          {"params", {{"name", "kv.read"}, {"arguments", {{"path", "x"}}}}}};
    const auto answer = client.request("POST", "/mcp/rpc", {}, request.dump(), "application/json");
    return std::make_pair(answer.status, Json::parse(answer.body, nullptr, false));
  };
  const auto [status, body] = read_as(agent_b);
  EXPECT_EQ(status, 200) << body.dump();
  EXPECT_EQ(body["result"]["structuredContent"]["data"]["owner"], "b") << body.dump();
  EXPECT_EQ(read_as(two_cns).first, 401);
}

TEST_F(AgentBridge, CredentialsOfTwoAgentsAre400) {
  auto bridge = start_bridge();
  http::Fields both = key_of("agent-a");
  both.emplace_back("Authorization", "Bearer " + hs256(claims_of("agent-b")));
  const Reply reply = call(bridge.url, both, "kv.read", {{"path", "x"}});
  EXPECT_EQ(reply.status, 400);
  EXPECT_THAT(reply.body.dump(), HasSubstr("two different agents"));
}

TEST_F(AgentBridge, TheRateLimitIsPerAgentAndRefusedRequestsDoNotSpendIt) {
  auto bridge = start_bridge({"--rate-limit", "3", "--rate-window-ms", "60000", "--unauthenticated-rate-limit", "2"});
  const std::string forged = hs256(claims_of("agent-a")) + "x";
  for (int i = 0; i < 10; ++i) call(bridge.url, bearer(forged), "kv.read", {{"path", "p"}});
  const Reply anonymous = call(bridge.url, bearer(forged), "kv.read", {{"path", "p"}});
  EXPECT_EQ(anonymous.status, 429);
  for (int i = 0; i < 3; ++i) {
    EXPECT_TRUE(is_result(call(bridge.url, key_of("agent-a"), "kv.read", {{"path", "p"}}))) << i;
  }
  const Reply limited = call(bridge.url, key_of("agent-a"), "kv.read", {{"path", "p"}});
  EXPECT_EQ(limited.status, 429);
  EXPECT_FALSE(limited.retry_after.empty());
  EXPECT_TRUE(is_result(call(bridge.url, key_of("agent-b"), "kv.read", {{"path", "x"}})));
}

// Behind the proxy every request comes from its address: refused requests are counted per client
// the proxy names (X-Real-IP), so one client's bad requests do not turn another's 401 into a 429;
// a client cannot choose its budget by sending the header itself.
TEST_F(AgentBridge, BehindTheProxyRefusedRequestsAreCountedPerClient) {
  auto bridge = start_bridge({"--api-keys", "--jwt-secret-file", (dir_->path() / "jwt-secret").string(), "--jwt-issuer",
                              kIssuer, "--jwt-audience", kAudience, "--trusted-proxy", "127.0.0.1",
                              "--rate-window-ms", "60000", "--unauthenticated-rate-limit", "2"},
                             /*with_defaults=*/false);
  const std::string forged = hs256(claims_of("agent-a")) + "x";
  const auto from = [&](const std::string& client) {
    http::Fields headers = bearer(forged);
    headers.emplace_back("X-Real-IP", client);
    return call(bridge.url, headers, "kv.read", {{"path", "p"}}).status;
  };
  for (int i = 0; i < 2; ++i) EXPECT_EQ(from("192.0.2.1"), 401) << i;
  EXPECT_EQ(from("192.0.2.1"), 429) << "the flooding client is held to its budget";
  EXPECT_EQ(from("192.0.2.2"), 401) << "another client behind the same proxy keeps its own";

  auto direct = start_bridge({"--rate-window-ms", "60000", "--unauthenticated-rate-limit", "2"});
  const auto direct_from = [&](const std::string& claimed) {
    http::Fields headers = bearer(forged);
    headers.emplace_back("X-Real-IP", claimed);
    return call(direct.url, headers, "kv.read", {{"path", "p"}}).status;
  };
  EXPECT_EQ(direct_from("192.0.2.1"), 401);
  EXPECT_EQ(direct_from("192.0.2.2"), 401);
  EXPECT_EQ(direct_from("192.0.2.3"), 429) << "not from the proxy: the header names no one";
}

// A parent token that is not root may give its children only its own policies, unless it creates
// them through a token role whose globs allow theirs: --token-role.
TEST_F(AgentBridge, AParentThatIsNotRootCreatesTheChildTokensThroughTheTokenRole) {
  vault_put("auth/token/roles/bridge-agents", {{"allowed_policies_glob", {"mcp-agent-*"}}, {"renewable", false}});
  vault_put("sys/policies/acl/bridge-parent", {{"policy", "path \"auth/token/create/bridge-agents\" { capabilities = [\"update\"] }"}});
  http::Client client(vault_->url);
  const auto created = client.request("POST", "/v1/auth/token/create", {{"X-Vault-Token", kRootToken}},
                                      Json{{"policies", {"bridge-parent"}}}.dump(), "application/json");
  ASSERT_EQ(created.status, 200) << created.body;
  const std::filesystem::path parent_file = dir_->path() / "parent-token";
  proc::write_private_file(parent_file, Json::parse(created.body)["auth"]["client_token"].get<std::string>());

  const auto through_role = start_bridge({"--vault-token-file", parent_file.string(), "--token-role", "bridge-agents"});
  const std::size_t from = audit_lines();
  const Reply read = call(through_role.url, key_of("agent-b"), "kv.read", {{"path", "x"}});
  ASSERT_TRUE(is_result(read)) << read.body.dump();
  EXPECT_EQ(read.body["result"]["structuredContent"]["data"], (Json{{"owner", "b"}}));
  EXPECT_THAT(audited_paths(from), ::testing::Contains("auth/token/create/bridge-agents"));

  // Without the role the same parent cannot give a child the agent's policy.
  const auto without_role = start_bridge({"--vault-token-file", parent_file.string()});
  const Reply refused = call(without_role.url, key_of("agent-b"), "kv.read", {{"path", "x"}});
  EXPECT_FALSE(is_result(refused));
  EXPECT_THAT(refused.body.dump(), ::testing::HasSubstr("vault_access_denied"));
}

TEST_F(AgentBridge, AnUnreachableVaultIs503) {
  proc::SpawnOptions spawn;
  spawn.argv = {AGENT_BRIDGE_PATH, "--port", "0", "--vault-url", "http://127.0.0.1:9", "--vault-token-file",
                (dir_->path() / "vault-token").string(), "--agents-file", (dir_->path() / "agents").string(), "--api-keys",
                "--vault-timeout-ms", "500"};
  auto bridge = proc::start_service(spawn);
  const Reply reply = call(bridge.url, key_of("agent-a"), "kv.read", {{"path", "p"}});
  EXPECT_EQ(reply.status, 503) << reply.body.dump();
  EXPECT_THAT(reply.body.dump(), Not(HasSubstr(kRootToken)));
}

// The sabotage switches: each makes its defect appear.

TEST_F(AgentBridge, UnsafeNoAudCheckAcceptsATokenForAnotherServer) {
  auto bridge = start_bridge({"--unsafe-no-aud-check"});
  Json wrong_aud = claims_of("agent-a");
  wrong_aud["aud"] = "another-server";
  EXPECT_TRUE(is_result(call(bridge.url, bearer(hs256(wrong_aud)), "kv.read", {{"path", "p"}})));
}

TEST_F(AgentBridge, UnsafeIssOnlyWhenPresentAcceptsATokenWithoutIss) {
  Json no_iss = claims_of("agent-a");
  no_iss.erase("iss");
  Json other_iss = claims_of("agent-a");
  other_iss["iss"] = "https://attacker.test";
  auto honest = start_bridge();
  EXPECT_EQ(call(honest.url, bearer(hs256(no_iss)), "kv.read", {{"path", "p"}}).status, 401);
  auto bridge = start_bridge({"--unsafe-iss-only-when-present"});
  EXPECT_TRUE(is_result(call(bridge.url, bearer(hs256(no_iss)), "kv.read", {{"path", "p"}})));
  EXPECT_EQ(call(bridge.url, bearer(hs256(other_iss)), "kv.read", {{"path", "p"}}).status, 401);
}

// A token signed with HMAC-SHA256 under `secret` of any length (jose's keys must have 32 bytes).
std::string hs256_under(const std::string& secret, const Json& claims, const std::string& alg = "HS256") {
  const std::string input = codec::base64url_encode(Json{{"alg", alg}, {"typ", "JWT"}}.dump()) + "." +
                            codec::base64url_encode(claims.dump());
  return input + "." + codec::base64url_encode(openssl::hmac_sha256(secret, input));
}

TEST_F(AgentBridge, APublishedSecretOrAnUnsignedTokenIsRefusedUnlessASwitchAcceptsIt) {
  const std::string published = hs256_under("your-256-bit-secret", claims_of("agent-a"));
  const std::string unsigned_none =
      codec::base64url_encode(R"({"alg":"nOnE"})") + "." + codec::base64url_encode(claims_of("agent-a").dump()) + ".";
  auto bridge = start_bridge();
  EXPECT_EQ(call(bridge.url, bearer(published), "kv.read", {{"path", "p"}}).status, 401);
  EXPECT_EQ(call(bridge.url, bearer(unsigned_none), "kv.read", {{"path", "p"}}).status, 401);
  EXPECT_EQ(call(bridge.url, bearer(hs256_under(kHmacSecret, claims_of("agent-a"), "HS512")), "kv.read", {{"path", "p"}}).status, 401)
      << "the header's alg switched over the right secret's HS256";

  auto published_ok = start_bridge({"--unsafe-published-jwt-secrets"});
  EXPECT_TRUE(is_result(call(published_ok.url, bearer(published), "kv.read", {{"path", "p"}})));
  EXPECT_EQ(call(published_ok.url, bearer(unsigned_none), "kv.read", {{"path", "p"}}).status, 401);
  auto none_ok = start_bridge({"--unsafe-accept-alg-none"});
  EXPECT_TRUE(is_result(call(none_ok.url, bearer(unsigned_none), "kv.read", {{"path", "p"}})));
  EXPECT_EQ(call(none_ok.url, bearer(published), "kv.read", {{"path", "p"}}).status, 401);
}

TEST_F(AgentBridge, UnsafeScopeSubstringLetsReadAllGrantRead) {
  auto bridge = start_bridge({"--unsafe-scope-substring"});
  EXPECT_TRUE(is_result(call(bridge.url, key_of("agent-r"), "kv.read", {{"path", "p"}})));
}

TEST_F(AgentBridge, UnsafeTrustIdentityHeadersBelievesAnyAddressAndAnyVerdict) {
  auto bridge = start_bridge({"--unsafe-trust-identity-headers"});
  const http::Fields forged = {{"X-SSL-Client-S-DN", "CN=agent-b"}, {"X-SSL-Client-Verify", "NONE"}};
  EXPECT_TRUE(is_result(call(bridge.url, forged, "kv.read", {{"path", "x"}})));
}

TEST_F(AgentBridge, UnsafeSinglePassDotdotSendsATraversalToVault) {
  auto bridge = start_bridge({"--unsafe-single-pass-dotdot"});
  // Not refused as a path: the "../" reaches Vault, which (as Go's ServeMux does) answers with a
  // redirect to the cleaned path, the other agent's secret; only the child token's policy stands
  // between a client that follows it and agent-b's secret.
  const Reply reply = call(bridge.url, key_of("agent-a"), "kv.read", {{"path", "%2e%2e/agent-b/x"}});
  EXPECT_NE(reply.body["error"].value("code", 0), -32602) << reply.body.dump();
  EXPECT_THAT(reply.body.dump(), HasSubstr("Vault answered 3"));
}

TEST_F(AgentBridge, UnsafeNoChildTokenUsesTheParentTokenItself) {
  auto bridge = start_bridge({"--unsafe-no-child-token"});
  const std::size_t from = audit_lines();
  EXPECT_TRUE(is_result(call(bridge.url, key_of("agent-a"), "kv.read", {{"path", "p"}})));
  const auto paths = audited_paths(from);
  EXPECT_THAT(paths, ::testing::Contains("secret/data/mcp/agent-a/p"));
  for (const auto& path : paths) EXPECT_NE(path, "auth/token/create");
  const std::string parent = audit_hash(kRootToken);
  ASSERT_FALSE(parent.empty());
  for (const auto& [path, token] : audited_requests(from)) EXPECT_EQ(token, parent) << path;
}

// A child token Vault will not make (a token role it does not know): the call is refused, and
// no KV request is made with any other token.
TEST_F(AgentBridge, ARefusedChildTokenRefusesTheCallWithoutReadingKv) {
  auto bridge = start_bridge({"--token-role", "no-such-role"});
  const std::size_t from = audit_lines();
  const Reply reply = call(bridge.url, key_of("agent-a"), "kv.read", {{"path", "p"}});
  EXPECT_FALSE(is_result(reply)) << reply.body.dump();
  EXPECT_THAT(reply.body.dump(), HasSubstr("vault_access_denied"));
  for (const auto& path : audited_paths(from)) EXPECT_EQ(path.find("secret/"), std::string::npos) << path;
}

TEST_F(AgentBridge, UnsafeFailOpenChildTokenReadsWithTheParentWhenTheChildIsRefused) {
  auto bridge = start_bridge({"--token-role", "no-such-role", "--unsafe-fail-open-child-token"});
  const std::size_t from = audit_lines();
  EXPECT_TRUE(is_result(call(bridge.url, key_of("agent-a"), "kv.read", {{"path", "p"}})));
  const std::string parent = audit_hash(kRootToken);
  ASSERT_FALSE(parent.empty());
  bool read_with_parent = false;
  for (const auto& [path, token] : audited_requests(from)) read_with_parent |= path == "secret/data/mcp/agent-a/p" && token == parent;
  EXPECT_TRUE(read_with_parent);
}

TEST_F(AgentBridge, UnsafeRateLimitUnauthenticatedSpendsTheAgentsBudget) {
  auto bridge = start_bridge({"--rate-limit", "3", "--rate-window-ms", "60000", "--unauthenticated-rate-limit", "100",
                              "--unsafe-rate-limit-unauthenticated"});
  const std::string forged = hs256(claims_of("agent-a")) + "x";
  for (int i = 0; i < 3; ++i) call(bridge.url, bearer(forged), "kv.read", {{"path", "p"}});
  EXPECT_EQ(call(bridge.url, key_of("agent-a"), "kv.read", {{"path", "p"}}).status, 429);
}

TEST_F(AgentBridge, UnsafeNoAgentRateLimitServesEveryCall) {
  auto bridge = start_bridge({"--rate-limit", "3", "--rate-window-ms", "60000", "--unsafe-no-agent-rate-limit"});
  for (int i = 0; i < 5; ++i) EXPECT_TRUE(is_result(call(bridge.url, key_of("agent-b"), "kv.read", {{"path", "p"}}))) << i;
}

TEST_F(AgentBridge, UnsafeResourceAnyAgentServesAnotherAgentsSecret) {
  auto bridge = start_bridge({"--unsafe-resource-any-agent"});
  ASSERT_TRUE(is_result(call(bridge.url, key_of("agent-b"), "kv.write", {{"path", "x"}, {"data", {{"owner", "b"}}}})));
  const Reply other = rpc(bridge.url, key_of("agent-a"), "resources/read", {{"uri", "kv://agent-b/x"}});
  ASSERT_TRUE(is_result(other)) << other.body.dump();
  EXPECT_EQ(Json::parse(other.body["result"]["contents"][0]["text"].get<std::string>()), (Json{{"owner", "b"}}));
}

TEST_F(AgentBridge, UnsafeFirstCredentialWinsIgnoresTheSecondAgent) {
  auto bridge = start_bridge({"--unsafe-first-credential-wins"});
  http::Fields both = key_of("agent-a");
  both.emplace_back("Authorization", "Bearer " + hs256(claims_of("agent-b")));
  EXPECT_TRUE(is_result(call(bridge.url, both, "kv.read", {{"path", "p"}})));
}

}  // namespace
}  // namespace mcph::agent_bridge
