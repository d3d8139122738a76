#pragma once
// Step 3 of a tool call (docs/design.md): the MCP server verifies the user's JWT itself (JWKS with cache and kid
// refresh, iss, aud, exp, nbf, allowed algorithms, that it is an access token, the client it was
// issued to) and answers what RFC 6750 and the MCP authorization spec ask for when it fails.
#include <chrono>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "mcph/http/trace_context.h"
#include "mcph/jose/jws.h"

namespace mcph::oidc {
class JwksCache;
}

namespace mcph::broker {

// What the identity provider's access tokens look like, and so what is checked of them besides
// the signature, iss, exp, nbf and iat:
// - oidc (Keycloak, RFC 9068): aud names this server, the token type (`typ: at+jwt` or
//   Keycloak's typ claim Bearer), the client in `azp`;
// - cognito (Amazon Cognito user pools): access tokens carry no aud; `token_use` must be
//   "access" (an ID token says "id"), the client is in `client_id`.
enum class TokenProfile { oidc, cognito };

struct AuthConfig {
  TokenProfile profile = TokenProfile::oidc;
  std::string issuer;                // e.g. http://127.0.0.1:41001/realms/mcp-demo
  std::string jwks_url;              // empty: <issuer>/protocol/openid-connect/certs
  // Tokens must carry it in aud. Empty: set_resource sets the server's resource URL (RFC 8707);
  // until then every token is refused.
  std::string audience;
  // The clients (`azp`) whose tokens are accepted; empty: any client of the realm.
  std::vector<std::string> allowed_clients{"mcp-client"};
  // Only access tokens: RFC 9068's `typ: at+jwt` header, or Keycloak's `typ: "Bearer"` claim. An
  // ID token (`typ: "ID"`), a refresh or logout token, or a JWT with neither is refused. Cognito:
  // `token_use: "access"`.
  bool access_tokens_only = true;
  // iss must be `issuer`. Off only for the harness's sabotage tests: a server that trusts the keys
  // of several issuers (the pools of one account, as moto's share one key) and never asks which
  // issuer signed.
  bool check_issuer = true;
  std::vector<jose::Alg> algorithms{jose::Alg::RS256};
  std::chrono::seconds leeway{0};
  std::string resource_metadata_url; // <server>/.well-known/oauth-protected-resource
  std::string scope;                 // the scope a client requests for this server; named in challenges
};

// Who is calling, as far as the verified token says, and the request they call with. Only
// `subject` may key anything.
struct Principal {
  std::string subject;               // verified "sub"
  std::string username;              // "preferred_username": for display only, never trusted
  std::string token;                 // the JWT itself, to log in to Vault with
  std::int64_t expires_at = 0;       // the JWT's exp (seconds since the epoch)
  std::vector<std::string> scopes;   // the JWT's scope claim, word by word
  // The request's W3C trace context, when it came with a valid traceparent: every request made
  // for it (the token exchange, Vault) continues that trace, so Vault's audit log says which
  // request caused which entry.
  std::optional<http::TraceContext> trace;
};

struct AuthResult {
  std::optional<Principal> principal;  // set when authenticated
  int status = 401;                    // 401; 400 for a malformed request; 503 when the IdP's
                                       // keys cannot be had
  std::string www_authenticate;        // the challenge to send with a 401
  std::string description;             // why, safe to show (never the token)
};

// A Bearer challenge (RFC 6750 §3): resource_metadata (RFC 9728, the MCP authorization spec)
// and scope when given, then error and error_description when `error` is not empty (a request
// without credentials gets the bare challenge). Every value is quoted and kept printable.
std::string bearer_challenge(std::string_view resource_metadata_url, std::string_view scope, std::string_view error,
                             std::string_view description);

class Authenticator {
 public:
  explicit Authenticator(AuthConfig config);
  ~Authenticator();

  // The request's credentials: exactly one Authorization header and no token anywhere else —
  // two Authorization headers, or a token in the query string or a form body, are 400
  // invalid_request (RFC 6750 §3.1; the MCP authorization spec forbids tokens in URIs).
  AuthResult authenticate(const http::Request& request) const;
  // authorization: the Authorization header's value ("" when absent).
  AuthResult authenticate(std::string_view authorization) const;
  const AuthConfig& config() const { return config_; }
  // For servers that learn their own URL only once bound; call before serving requests. The
  // resource URL becomes the audience tokens must carry unless one was configured.
  void set_resource(const std::string& resource, std::string metadata_url) {
    if (config_.audience.empty()) config_.audience = resource;
    config_.resource_metadata_url = std::move(metadata_url);
  }
  // The WWW-Authenticate value of a refusal (RFC 6750 §3); no error for a bare challenge.
  std::string challenge(std::string_view error, std::string_view description) const;
  // The challenge of a call refused for want of `needed` (space-separated scopes): 403
  // insufficient_scope, with every scope the call needs (this server's and `needed`).
  std::string insufficient_scope_challenge(std::string_view needed) const;

 private:
  AuthConfig config_;
  std::unique_ptr<oidc::JwksCache> jwks_;
};

}  // namespace mcph::broker
