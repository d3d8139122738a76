#pragma once
// Step 3 of DESIGN.md: the MCP server verifies the user's JWT itself (JWKS with cache and kid
// refresh, iss, aud, exp, nbf, allowed algorithms) and answers what RFC 6750 and the MCP
// authorization spec ask for when it fails.
#include <chrono>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "mcph/jose/jws.h"

namespace mcph::oidc {
class JwksCache;
}

namespace mcph::broker {

struct AuthConfig {
  std::string issuer;                // e.g. http://127.0.0.1:41001/realms/mcp-demo
  std::string jwks_url;              // empty: <issuer>/protocol/openid-connect/certs
  std::string audience = "mcp-client";
  std::vector<jose::Alg> algorithms{jose::Alg::RS256};
  std::chrono::seconds leeway{0};
  std::string resource_metadata_url; // <server>/.well-known/oauth-protected-resource
};

// Who is calling, as far as the verified token says. Only `subject` may key anything.
struct Principal {
  std::string subject;               // verified "sub"
  std::string username;              // "preferred_username": for display only, never trusted
  std::string token;                 // the JWT itself, to log in to Vault with
  std::int64_t expires_at = 0;       // the JWT's exp (seconds since the epoch)
};

struct AuthResult {
  std::optional<Principal> principal;  // set when authenticated
  int status = 401;                    // 401, or 503 when the IdP's keys cannot be had
  std::string www_authenticate;        // the challenge to send with a 401
  std::string description;             // why, safe to show (never the token)
};

class Authenticator {
 public:
  explicit Authenticator(AuthConfig config);
  ~Authenticator();

  // authorization: the Authorization header's value ("" when absent).
  AuthResult authenticate(std::string_view authorization) const;
  const AuthConfig& config() const { return config_; }
  // For servers that learn their own URL only once bound; call before serving requests.
  void set_resource_metadata_url(std::string url) { config_.resource_metadata_url = std::move(url); }

 private:
  std::string challenge(std::string_view error, std::string_view description) const;
  AuthConfig config_;
  std::unique_ptr<oidc::JwksCache> jwks_;
};

}  // namespace mcph::broker
