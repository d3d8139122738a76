#pragma once
// A client of an OpenID Connect provider's token endpoint (Keycloak's
// /realms/<realm>/protocol/openid-connect/token): password, client_credentials and
// refresh_token grants, and OAuth 2.0 token exchange (RFC 8693). Not thread-safe: one per thread.
#include <chrono>
#include <optional>
#include <stdexcept>
#include <string>

#include "mcph/http/client.h"
#include "mcph/jose/key.h"

namespace mcph::oidc {

struct TokenResponse {
  std::string access_token;
  std::string refresh_token;  // empty when the grant gives none
  std::string id_token;
  std::string token_type;
  std::string scope;
  long expires_in = 0;
  long refresh_expires_in = 0;
};

// The provider answered with an OAuth error ({"error":…,"error_description":…}).
class OidcError : public std::runtime_error {
 public:
  OidcError(int status, std::string error, std::string description);
  int status() const { return status_; }
  const std::string& error() const { return error_; }
  const std::string& description() const { return description_; }

 private:
  int status_;
  std::string error_, description_;
};

struct ClientCredentials {
  std::string client_id;
  std::string client_secret;  // empty for public clients
};

class TokenClient {
 public:
  // realm_url: <base>/realms/<realm>
  TokenClient(std::string realm_url, ClientCredentials client, http::ClientOptions options = {});
  // A client of the token endpoint at `token_endpoint` itself (any provider's, as its discovery
  // document names it), not below a Keycloak realm.
  static TokenClient at_endpoint(const std::string& token_endpoint, ClientCredentials client,
                                 http::ClientOptions options = {});

  TokenResponse password_grant(const std::string& username, const std::string& password,
                               const std::string& scope = {});
  TokenResponse client_credentials_grant(const std::string& scope = {});
  TokenResponse refresh(const std::string& refresh_token);
  // This client trades `subject_token` (a user's access token issued to it) for an access token
  // of the same user for `audience` (Keycloak's standard token exchange).
  TokenResponse exchange(const std::string& subject_token, const std::string& audience);
  const std::string& realm_url() const { return realm_url_; }
  // Every grant from now on asks for a token bound to `key` (DPoP, RFC 9449): each request
  // carries a fresh proof of it.
  void bind_to(jose::Key key) { dpop_key_ = std::move(key); }
  // Every request from now on carries a traceparent of `trace` (nullopt: none).
  void continue_trace(std::optional<http::TraceContext> trace) { http_.continue_trace(std::move(trace)); }

 private:
  TokenResponse post_token(http::Fields form);
  std::string realm_url_;
  std::string token_path_;  // below realm_url_: Keycloak's path, or "" for at_endpoint
  ClientCredentials client_;
  std::optional<jose::Key> dpop_key_;
  http::Client http_;
};

}  // namespace mcph::oidc
