#pragma once
// Step 3 of a tool call (docs/design.md): the MCP server verifies the user's JWT itself (JWKS with cache and kid
// refresh, iss, aud, exp, nbf, allowed algorithms, that it is an access token, the client it was
// issued to), and for a DPoP-bound token the proof of its key (RFC 9449), and answers what RFC
// 6750, RFC 9449 and the MCP authorization spec ask for when it fails.
#include <chrono>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "mcph/http/message.h"
#include "mcph/http/trace_context.h"
#include "mcph/jose/dpop.h"
#include "mcph/jose/dpop_sabotage.h"
#include "mcph/jose/jws.h"

namespace mcph::oidc {
class JwksCache;
}
namespace mcph::jose {
class SubjectReplayCaches;
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
  // DPoP (RFC 9449): a token bound to a key (cnf.jkt) counts only as `Authorization: DPoP
  // <token>` with a proof of that key for this very request (htm, htu, ath, iat within 10 s and
  // 15 s of skew), signed with one of dpop_algs, whose jti its user has not used before: each user
  // has a replay cache of dpop_replay_capacity live proofs. A bound token as Bearer is refused.
  std::vector<jose::Alg> dpop_algs{jose::Alg::ES256, jose::Alg::RS256};
  std::size_t dpop_replay_capacity = 1000;
  // UNSAFE switches of the DPoP checks, each one defect, for the harness's sabotage tests only.
  jose::DpopSabotage unsafe_dpop;
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
  // The request's DPoP proof, verified, when the token is bound: charged to the user's replay
  // cache once the call is admitted (Authenticator::charge_proof).
  std::optional<jose::VerifiedDpopProof> dpop_proof;
};

struct AuthResult {
  std::optional<Principal> principal;  // set when authenticated
  int status = 401;                    // 401; 400 for a malformed request; 503 when the IdP's
                                       // keys cannot be had
  std::string www_authenticate;        // the challenge to send with a 401
  std::string description;             // why, safe to show (never the token)
  int retry_after = 0;                 // seconds, with a 429
};

// A Bearer challenge (RFC 6750 §3): resource_metadata (RFC 9728, the MCP authorization spec)
// and scope when given, then error and error_description when `error` is not empty (a request
// without credentials gets the bare challenge). Every value is quoted and kept printable.
std::string bearer_challenge(std::string_view resource_metadata_url, std::string_view scope, std::string_view error,
                             std::string_view description);
// A DPoP challenge (RFC 9449 §7.1): `DPoP algs="ES256 RS256"`, then error when not empty and
// error_description when not empty, quoted as the Bearer challenge's values are.
std::string dpop_challenge(const std::vector<jose::Alg>& algs, std::string_view error, std::string_view description);

class Authenticator {
 public:
  explicit Authenticator(AuthConfig config);
  ~Authenticator();

  // The request's credentials: exactly one Authorization header and no token anywhere else —
  // two Authorization headers, or a token in the query string or a form body, are 400
  // invalid_request (RFC 6750 §3.1; the MCP authorization spec forbids tokens in URIs).
  AuthResult authenticate(const http::Request& request) const;
  // authorization: the Authorization header's value ("" when absent). Without the request no
  // DPoP proof can be checked, so a bound token is refused.
  AuthResult authenticate(std::string_view authorization) const;
  // Charges a DPoP call's proof to its user's replay cache, once the call is admitted (after the
  // rate limit, so a refused call fills nothing): nullopt, or a refusal when the proof was used
  // before (401) or the user holds dpop_replay_capacity live proofs (429 with retry_after).
  std::optional<AuthResult> charge_proof(const Principal& principal) const;
  const AuthConfig& config() const { return config_; }
  // For servers that learn their own URL only once bound; call before serving requests. The
  // resource URL becomes the audience tokens must carry unless one was configured.
  // The resource URL's scheme and authority are what a DPoP proof's htu starts with.
  void set_resource(const std::string& resource, std::string metadata_url);
  // The WWW-Authenticate value of a refusal (RFC 6750 §3); no error for a bare challenge.
  std::string challenge(std::string_view error, std::string_view description) const;
  // `DPoP algs="ES256 RS256"`, with error and error_description when `error` is not empty.
  std::string dpop_challenge(std::string_view error, std::string_view description) const;
  // The challenge of a call refused for want of `needed` (space-separated scopes): 403
  // insufficient_scope, with every scope the call needs (this server's and `needed`).
  std::string insufficient_scope_challenge(std::string_view needed) const;

 private:
  AuthResult authenticate(std::string_view authorization, const http::Request* request) const;
  // nullopt when the request's proof fits the bound token (principal.dpop_proof set), else why not.
  std::optional<AuthResult> check_proof(const http::Request* request, std::string_view token, const std::string& jkt,
                                        Principal& principal) const;
  AuthResult refused_proof(std::string description) const;

  AuthConfig config_;
  std::string origin_;  // scheme://authority of the resource URL
  std::unique_ptr<oidc::JwksCache> jwks_;
  std::unique_ptr<jose::SubjectReplayCaches> replays_;
};

}  // namespace mcph::broker
