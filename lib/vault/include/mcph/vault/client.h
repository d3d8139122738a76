#pragma once
// A client of the Vault HTTP API (/v1/...) for the calls the credential broker and the
// provisioner make. It speaks only Vault's public API, so it works against mock-vault and
// hashicorp/vault alike. Not thread-safe: one per thread (or guard it).
#include <chrono>
#include <map>
#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

#include "mcph/http/client.h"

namespace mcph::vault {

// Vault answered with an error status; errors are the strings of {"errors":[...]}.
class VaultError : public std::runtime_error {
 public:
  VaultError(std::string operation, int status, std::vector<std::string> errors);
  int status() const { return status_; }
  const std::vector<std::string>& errors() const { return errors_; }
  bool permission_denied() const { return status_ == 403; }

 private:
  int status_;
  std::vector<std::string> errors_;
};

struct Login {
  std::string client_token;
  std::string accessor;
  std::string entity_id;
  std::vector<std::string> policies;
  long lease_duration = 0;  // seconds
  bool renewable = false;
};

struct TokenInfo {
  std::string entity_id;
  std::string display_name;
  std::vector<std::string> policies;
  long ttl = 0;  // remaining seconds; 0 = no expiry (root)
};

struct DatabaseCredentials {
  std::string username;
  std::string password;
  std::string lease_id;
  long lease_duration = 0;
};

// A raw answer, for callers that need fields this client does not model.
struct RawResponse {
  int status = 0;
  std::string body;
};

class Client {
 public:
  explicit Client(std::string vault_url, http::ClientOptions options = {});

  // POST auth/<mount>/login {role, jwt}
  Login login_jwt(const std::string& role, const std::string& jwt, const std::string& mount = "jwt");
  TokenInfo lookup_self(const std::string& token);
  void revoke_self(const std::string& token);
  // GET identity/entity/id/<id> → the entity's name (Vault's default policy lets a token read
  // its own entity).
  std::string entity_name(const std::string& entity_id, const std::string& token);
  // KV v2 read of <mount>/data/<path>: the secret's data, or nullopt when there is none (404).
  std::optional<std::map<std::string, std::string>> read_kv(const std::string& path, const std::string& token,
                                                           const std::string& mount = "secret");
  void write_kv(const std::string& path, const std::map<std::string, std::string>& data, const std::string& token,
                const std::string& mount = "secret");
  DatabaseCredentials database_credentials(const std::string& role, const std::string& token,
                                           const std::string& mount = "database");
  // PUT sys/leases/renew {lease_id, increment}: the TTL Vault grants from now, in seconds (at most
  // what is left before the role's max_ttl). The lease's credentials stay the same.
  long renew_lease(const std::string& lease_id, long increment_seconds, const std::string& token);

  // Any call: method, path below /v1/, optional JSON body. Never throws for an HTTP status.
  RawResponse request(const std::string& method, const std::string& path, const std::string& token,
                      const std::string& json_body = {});
  // The same, but throws VaultError for a status >= 400 and returns the body.
  std::string call(const std::string& method, const std::string& path, const std::string& token,
                   const std::string& json_body = {});

  const std::string& url() const { return url_; }
  // Every request from now on carries a traceparent of `trace` (nullopt: none), so that Vault's
  // audit log, which can record that header, ties the requests to what caused them.
  void continue_trace(std::optional<http::TraceContext> trace) { http_.continue_trace(std::move(trace)); }

 private:
  std::string url_;
  http::Client http_;
};

}  // namespace mcph::vault
