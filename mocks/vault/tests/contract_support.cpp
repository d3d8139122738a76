#include "contract_support.h"

#include <gtest/gtest.h>

#include <chrono>
#include <cstdlib>
#include <random>

#include "mcph/contract/server_under_test.h"
#include "mcph/jose/jws.h"
#include "mcph/jose/key.h"
#include "mcph/proc/free_port.h"
#include "mcph/sync/unix_time.h"

namespace mcph::mock_vault::contract {
namespace {

std::string env_or(const char* name, const std::string& fallback) {
  const char* value = std::getenv(name);
  return value != nullptr && *value != '\0' ? std::string(value) : fallback;
}

std::string random_hex(std::size_t length) {
  static thread_local std::mt19937_64 engine{std::random_device{}()};
  static constexpr char kHex[] = "0123456789abcdef";
  std::string out;
  for (std::size_t i = 0; i < length; ++i) out.push_back(kHex[engine() % 16]);
  return out;
}

std::string random_uuid() {
  const std::string hex = random_hex(32);
  return hex.substr(0, 8) + "-" + hex.substr(8, 4) + "-4" + hex.substr(13, 3) + "-a" + hex.substr(17, 3) + "-" +
         hex.substr(20, 12);
}

}  // namespace

std::string Reply::error() const {
  if (body.is_object() && body.contains("errors") && body["errors"].is_array() && !body["errors"].empty()) {
    return body["errors"][0].get<std::string>();
  }
  return "";
}

std::string random_suffix() { return random_hex(8); }

// --- VaultUnderTest ---------------------------------------------------------------------------

[[maybe_unused]] const bool kSkipsWithoutItsStack = mcph::contract::skip_all_when_the_stack_file_is_missing();

VaultUnderTest::VaultUnderTest() {
  if (const auto service = mcph::contract::service_from_stack_file("vault")) {
    const std::string binary = service->field("binary", "");
    if (!binary.empty()) {
      // A real Vault of the stack's version, fresh for this test as each mock-vault is.
      spawn_real_vault(binary);
      return;
    }
    // Only a URL: share the stack's Vault, and read the file audit log it already writes.
    url_ = service->url;
    root_token_ = service->field("token", "root");
    audit_log_ = service->field("audit_log", "");
    client_ = std::make_unique<http::Client>(url_);
    return;
  }
  const std::string external = env_or("MCPH_VAULT_URL", "");
  if (!external.empty()) {
    url_ = external;
    root_token_ = env_or("MCPH_VAULT_TOKEN", "root");
    client_ = std::make_unique<http::Client>(url_);
    audit_log_ = env_or("MCPH_VAULT_AUDIT_LOG", "");
    if (!audit_log_.empty()) {
      post("/v1/sys/audit/mcph-contract", Json{{"type", "file"}, {"options", {{"file_path", audit_log_}}}});
    }
    return;
  }
  dir_ = std::make_unique<proc::TempDir>("mock-vault-contract");
  root_token_ = "root-" + random_hex(12);
  audit_log_ = (dir_->path() / "audit.log").string();
  proc::SpawnOptions options;
  options.name = "mock-vault";
  options.argv = {MOCK_VAULT_PATH, "--port", "0", "--dev-root-token-id", root_token_, "--audit-log", audit_log_};
  options.log_path = (dir_->path() / "mock-vault.log").string();
  auto started = proc::start_service(options);
  process_ = std::make_unique<proc::ChildProcess>(std::move(started.process));
  url_ = std::move(started.url);
  http::ClientOptions client_options;
  client_options.read_timeout = std::chrono::seconds(30);
  client_ = std::make_unique<http::Client>(url_, client_options);
}

void VaultUnderTest::spawn_real_vault(const std::string& binary) {
  dir_ = std::make_unique<proc::TempDir>("real-vault-contract");
  root_token_ = "root-" + random_hex(12);
  audit_log_ = (dir_->path() / "audit.log").string();
  auto started = proc::start_on_free_loopback_ports(1, [&](const std::vector<int>& ports) {
    const int port = ports[0];
    proc::SpawnOptions options;
    options.name = "vault";
    options.argv = {binary, "server", "-dev", "-dev-no-store-token", "-dev-root-token-id=" + root_token_,
                    "-dev-listen-address=127.0.0.1:" + std::to_string(port)};
    options.env = {{"HOME", dir_->path().string()}};
    options.log_path = (dir_->path() / "vault.log").string();
    proc::ReadyWhen ready;
    ready.announces = false;
    ready.url = "http://127.0.0.1:" + std::to_string(port);
    ready.timeout = std::chrono::seconds(60);
    ready.health = proc::HealthProbe{"GET /v1/sys/health", [](const std::string& url) -> std::optional<std::string> {
                                       try {
                                         const auto response = http::Client(url).get("/v1/sys/health");
                                         if (response.status == 200) return std::nullopt;
                                         return "HTTP " + std::to_string(response.status);
                                       } catch (const std::exception& e) {
                                         return std::string(e.what());
                                       }
                                     }};
    return proc::start_service(options, ready);
  });
  process_ = std::make_unique<proc::ChildProcess>(std::move(started.process));
  url_ = std::move(started.url);
  http::ClientOptions client_options;
  client_options.read_timeout = std::chrono::seconds(30);
  client_ = std::make_unique<http::Client>(url_, client_options);
  // What mock-vault's --audit-log does: a file audit device from the start.
  const Reply audit = post("/v1/sys/audit/file", Json{{"type", "file"}, {"options", {{"file_path", audit_log_}}}});
  if (audit.status != 204) throw std::runtime_error("enabling the audit device: " + audit.text);
}

VaultUnderTest::~VaultUnderTest() {
  // Our keep-alive connection would otherwise hold the server's shutdown for its idle timeout.
  client_.reset();
  if (process_) process_->stop();
}

int VaultUnderTest::stop() {
  if (!process_) return -1;
  {
    std::lock_guard lock(mutex_);
    client_ = std::make_unique<http::Client>(url_);  // drops the open connection
  }
  return process_->stop(std::chrono::seconds(20));
}

Reply VaultUnderTest::call(const std::string& method, const std::string& path, const Json& body,
                           const std::optional<std::string>& token, const http::Fields& headers) {
  http::Fields all = headers;
  const std::string bearer = token.value_or(root_token_);
  if (!bearer.empty()) all.emplace_back("X-Vault-Token", bearer);
  const std::string payload = body.is_null() ? std::string() : body.dump();
  http::ClientResponse response;
  {
    std::lock_guard lock(mutex_);
    response = client_->request(method, path, all, payload, payload.empty() ? "" : "application/json");
  }
  Reply reply;
  reply.status = response.status;
  reply.text = response.body;
  reply.headers = response.headers;
  reply.body = Json::parse(response.body, nullptr, false);
  if (reply.body.is_discarded()) reply.body = nullptr;
  return reply;
}

Reply VaultUnderTest::send_raw(const std::string& method, const std::string& path, const std::string& body,
                               const std::string& content_type) {
  http::ClientResponse response;
  {
    std::lock_guard lock(mutex_);
    response = client_->request(method, path, {{"X-Vault-Token", root_token_}}, body, content_type);
  }
  Reply reply;
  reply.status = response.status;
  reply.text = response.body;
  reply.headers = response.headers;
  reply.body = Json::parse(response.body, nullptr, false);
  if (reply.body.is_discarded()) reply.body = nullptr;
  return reply;
}

// --- JwksServer -------------------------------------------------------------------------------

JwksServer::JwksServer() {
  keys_.push_back(jose::Jwk{jose::Key::generate_rsa(2048), "k1", jose::Alg::RS256, "sig"});
  foreign_ = std::make_unique<jose::Jwk>(jose::Jwk{jose::Key::generate_rsa(2048), "k1", jose::Alg::RS256, "sig"});
  http::ServerOptions options;
  options.name = "test-jwks";
  options.access_log = false;
  server_ = std::make_unique<http::Server>(options);
  server_->route("GET", "/realms/mcp-demo/protocol/openid-connect/certs",
                 [this](const http::Request&, http::Response& response) {
                   std::lock_guard lock(mutex_);
                   ++fetches_;
                   if (failing_) {
                     response.set_json(500, R"({"error":"unavailable"})");
                     return;
                   }
                   std::vector<jose::Jwk> published;
                   for (const auto& jwk : keys_) {
                     published.push_back(jose::Jwk{jwk.key.public_only(), jwk.kid, jwk.alg, jwk.use});
                   }
                   response.set_json(200, jose::JwkSet(published).to_json());
                 });
  server_->start();
}

JwksServer::~JwksServer() { server_->stop(); }

std::string JwksServer::jwks_url() const {
  return server_->url() + "/realms/mcp-demo/protocol/openid-connect/certs";
}

std::string JwksServer::sign(const Json& claims) const {
  std::lock_guard lock(mutex_);
  const jose::Jwk& current = keys_.back();
  return jose::sign_jwt(current.key, jose::Alg::RS256, claims.dump(), current.kid);
}

std::string JwksServer::sign_with_foreign_key(const Json& claims) const {
  std::lock_guard lock(mutex_);
  return jose::sign_jwt(foreign_->key, jose::Alg::RS256, claims.dump(), keys_.back().kid);
}

void JwksServer::rotate() {
  jose::Jwk next{jose::Key::generate_rsa(2048), "k" + std::to_string(keys_.size() + 1), jose::Alg::RS256, "sig"};
  std::lock_guard lock(mutex_);
  keys_.push_back(std::move(next));
}

void JwksServer::set_failing(bool failing) {
  std::lock_guard lock(mutex_);
  failing_ = failing;
}

int JwksServer::fetches() const {
  std::lock_guard lock(mutex_);
  return fetches_;
}

Json JwksServer::claims_for(const std::string& subject, long lifetime_seconds) const {
  const long now = sync::unix_seconds();
  return Json{{"iss", issuer()},
              {"sub", subject},
              {"aud", Json::array({"mcp-client", "account"})},
              {"azp", "mcp-client"},
              {"iat", now},
              {"exp", now + lifetime_seconds}};
}

// --- Demo -------------------------------------------------------------------------------------

const char* Demo::policy_text() {
  return R"(# Each user reaches only their own secrets and database role.
path "secret/data/users/{{identity.entity.name}}/*" {
  capabilities = ["read"]
}
path "secret/metadata/users/{{identity.entity.name}}/*" {
  capabilities = ["read", "list"]
}
path "database/creds/{{identity.entity.name}}" {
  capabilities = ["read"]
}
)";
}

Demo Demo::provision(VaultUnderTest& vault, const JwksServer& jwks) {
  Demo demo;
  Reply reply = vault.post("/v1/sys/auth/" + demo.jwt_path, Json{{"type", "jwt"}});
  if (reply.status != 204 && reply.error().find("path is already in use") == std::string::npos) {
    ADD_FAILURE() << "enable jwt: " << reply.status << " " << reply.text;
  }
  reply = vault.get("/v1/sys/auth");
  demo.accessor = reply.body["data"][demo.jwt_path + "/"]["accessor"].get<std::string>();
  reply = vault.post("/v1/auth/" + demo.jwt_path + "/config",
                     Json{{"jwks_url", jwks.jwks_url()}, {"bound_issuer", jwks.issuer()}});
  EXPECT_EQ(reply.status, 204) << reply.text;
  reply = vault.post("/v1/auth/" + demo.jwt_path + "/role/user",
                     Json{{"role_type", "jwt"},
                          {"user_claim", "sub"},
                          {"bound_audiences", Json::array({"mcp-client"})},
                          {"token_policies", Json::array({"user-secrets"})},
                          {"token_ttl", "1h"}});
  EXPECT_EQ(reply.status, 204) << reply.text;
  reply = vault.post("/v1/sys/policies/acl/user-secrets", Json{{"policy", policy_text()}});
  EXPECT_EQ(reply.status, 204) << reply.text;

  demo.alice_sub = random_uuid();
  demo.bob_sub = random_uuid();
  for (const auto& [name, sub, entity] : {std::tuple{"alice", demo.alice_sub, &demo.alice_entity},
                                          std::tuple{"bob", demo.bob_sub, &demo.bob_entity}}) {
    vault.del(std::string("/v1/identity/entity/name/") + name);
    reply = vault.post("/v1/identity/entity", Json{{"name", name}, {"metadata", {{"team", "demo"}}}});
    EXPECT_EQ(reply.status, 200) << reply.text;
    *entity = reply.body["data"]["id"].get<std::string>();
    reply = vault.post("/v1/identity/entity-alias",
                       Json{{"name", sub}, {"canonical_id", *entity}, {"mount_accessor", demo.accessor}});
    EXPECT_EQ(reply.status, 200) << reply.text;
  }
  EXPECT_EQ(vault.post("/v1/secret/data/users/alice/jira", Json{{"data", {{"api_token", "alice-jira-SECRET-1"}}}}).status, 200);
  EXPECT_EQ(vault.post("/v1/secret/data/users/alice/github", Json{{"data", {{"token", "ghp_aliceSECRET2"}}}}).status, 200);
  EXPECT_EQ(vault.post("/v1/secret/data/users/bob/github", Json{{"data", {{"token", "ghp_bobSECRET3"}}}}).status, 200);
  return demo;
}

std::string Demo::login(VaultUnderTest& vault, const std::string& jwt, Reply* out, const std::string& role,
                        const std::string& path) {
  Reply reply = vault.post("/v1/auth/" + path + "/login", Json{{"role", role}, {"jwt", jwt}}, std::string());
  if (out != nullptr) *out = reply;
  if (reply.status != 200) return "";
  return reply.body["auth"]["client_token"].get<std::string>();
}

}  // namespace mcph::mock_vault::contract
