#pragma once
// Support for the contract tests: they speak only Vault's HTTP API, so they run unchanged against
// mock-vault (spawned from the build) or a real Vault (MCPH_VAULT_URL + MCPH_VAULT_TOKEN).
#include <nlohmann/json.hpp>

#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "mcph/http/client.h"
#include "mcph/http/server.h"
#include "mcph/jose/jwk.h"
#include "mcph/proc/service.h"
#include "mcph/proc/temp_dir.h"

namespace mcph::mock_vault::contract {

using Json = nlohmann::json;

struct Reply {
  int status = 0;
  Json body;         // parsed JSON, or null for an empty/non-JSON body
  std::string text;  // the raw body
  http::Fields headers;
  // errors[0], or "" when there is none.
  std::string error() const;
};

std::string random_suffix();
// Vault's body for a request its policies refuse.
inline constexpr const char* kPermissionDenied = "1 error occurred:\n\t* permission denied\n\n";

class VaultUnderTest {
 public:
  // Spawns mock-vault (with an audit log in a temp dir), or, when MCPH_STACK_FILE names a stack
  // whose vault entry has a `binary` (real mode), that real Vault in dev mode; or uses the server
  // MCPH_STACK_FILE or MCPH_VAULT_URL name.
  VaultUnderTest();
  ~VaultUnderTest();

  bool local() const { return static_cast<bool>(process_); }
  const std::string& url() const { return url_; }
  const std::string& root_token() const { return root_token_; }
  // A file the test can read holding the audit log, or "" (external Vault without
  // MCPH_VAULT_AUDIT_LOG).
  const std::string& audit_log() const { return audit_log_; }

  Reply call(const std::string& method, const std::string& path, const Json& body = nullptr,
             const std::optional<std::string>& token = std::nullopt, const http::Fields& headers = {});
  Reply get(const std::string& path, const std::optional<std::string>& token = std::nullopt) {
    return call("GET", path, nullptr, token);
  }
  Reply list(const std::string& path, const std::optional<std::string>& token = std::nullopt) {
    return call("GET", path + "?list=true", nullptr, token);
  }
  Reply post(const std::string& path, const Json& body, const std::optional<std::string>& token = std::nullopt) {
    return call("POST", path, body, token);
  }
  Reply del(const std::string& path, const std::optional<std::string>& token = std::nullopt) {
    return call("DELETE", path, nullptr, token);
  }
  // Raw body (for malformed-input tests).
  Reply send_raw(const std::string& method, const std::string& path, const std::string& body,
                 const std::string& content_type = "application/json");

  // Stops the spawned mock-vault with SIGTERM and waits for it (local only).
  int stop();

 private:
  void spawn_real_vault(const std::string& binary);

  std::unique_ptr<proc::TempDir> dir_;
  std::unique_ptr<proc::ChildProcess> process_;
  std::string url_;
  std::string root_token_;
  std::string audit_log_;
  std::mutex mutex_;
  std::unique_ptr<http::Client> client_;
};

// A JWKS endpoint on loopback with RSA keys made by mcph::jose, and a signer for test JWTs.
class JwksServer {
 public:
  JwksServer();
  ~JwksServer();
  std::string jwks_url() const;
  std::string issuer() const { return "https://idp.test/realms/mcp-demo"; }
  // Signs claims with the current key (its kid in the header).
  std::string sign(const Json& claims) const;
  // Signs with a key the JWKS does not publish, under the current kid (a bad signature).
  std::string sign_with_foreign_key(const Json& claims) const;
  // Adds a new key with a new kid and makes it current; the JWKS publishes both.
  void rotate();
  void set_failing(bool failing);
  int fetches() const;
  // Claims for a user token: iss, sub, aud (mcp-client), iat, exp = now + lifetime.
  Json claims_for(const std::string& subject, long lifetime_seconds = 300) const;

 private:
  mutable std::mutex mutex_;
  std::vector<jose::Jwk> keys_;  // private keys; the JWKS shows their public halves
  std::unique_ptr<jose::Jwk> foreign_;
  bool failing_ = false;
  int fetches_ = 0;
  std::unique_ptr<http::Server> server_;
};

// The original demo's Vault setup, through the public API only: JWT auth (role "user"),
// policy "user-secrets", entities alice and bob with aliases named after their UUIDs on the jwt
// accessor, KV secrets (alice: jira + github; bob: github), optionally per-user database roles.
struct Demo {
  std::string jwt_path = "jwt";
  std::string accessor;
  std::string alice_sub;
  std::string bob_sub;
  std::string alice_entity;
  std::string bob_entity;

  static const char* policy_text();
  static Demo provision(VaultUnderTest& vault, const JwksServer& jwks);
  // auth/jwt/login; returns the client token ("" on failure, with the reply in *reply).
  static std::string login(VaultUnderTest& vault, const std::string& jwt, Reply* reply = nullptr,
                           const std::string& role = "user", const std::string& path = "jwt");
};

}  // namespace mcph::mock_vault::contract
