#pragma once
// The bridge's OAuth 2.0 authorization server, in the same process as the MCP endpoint it
// protects: the client credentials grant for the agents (RFC 6749 §4.4) at POST /oauth2/token,
// its metadata (RFC 8414, and the same document as OpenID discovery) and its JWKS. Tokens are
// RS256 JWTs (RFC 9068's claims) signed with a key generated at start or provisioned, whose
// public half alone is published; the bridge verifies them with that key, in process.
#include <chrono>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "mcph/agent_bridge/agent_identity.h"
#include "mcph/agent_bridge/agents_file.h"
#include "mcph/cli/flags.h"
#include "mcph/http/server.h"
#include "mcph/jose/key.h"

namespace mcph::agent_bridge {

// The defects the sabotage switches (--unsafe-*) put in, one per class.
struct AuthorizationServerDefects {
  bool jwks_private_parts = false;   // the JWKS holds the signing key's private members
  bool basic_refused = false;        // client_secret_basic advertised, yet refused
  bool scope_by_substring = false;   // a requested scope containing one of the client's is granted
  bool invalid_client_400 = false;   // invalid_client as 400, without a challenge
  bool issuer_mismatch = false;      // tokens' iss is not the metadata's issuer
  bool default_secret = false;       // HS256 tokens with a well-known default secret are accepted
  bool jwks_shared_secret = false;   // the JWKS publishes an HS256 secret its verifier keys by its text
};

struct AuthorizationServerSettings {
  std::string issuer;                      // empty: the server's own URL once bound
  std::string audience;                    // the aud of every token
  std::chrono::seconds token_lifetime{300};
  std::optional<jose::Key> signing_key;    // RSA; generated when empty
  const AgentsFile* agents = nullptr;      // the scopes each client (agent) may have
  AgentsFile clients;                      // client-id → SHA-256 of its secret
  AuthorizationServerDefects unsafe;
};

class AuthorizationServer {
 public:
  explicit AuthorizationServer(AuthorizationServerSettings settings);

  // Serves the token endpoint, the metadata and the JWKS on `http`; binds it first when the
  // issuer is the server's own URL.
  void mount(http::Server& http);

  const std::string& issuer() const { return settings_.issuer; }
  // How the MCP endpoint verifies the tokens issued here.
  JwtSettings verifier() const;

  // The token endpoint's answer to one request (public for the unit tests).
  void token(const http::Request& request, http::Response& response) const;

 private:
  std::string token_endpoint() const { return settings_.issuer + "/oauth2/token"; }
  std::string tokens_issuer() const;
  nlohmann::json metadata() const;
  std::string jwks() const;

  AuthorizationServerSettings settings_;
  jose::Key key_;
  std::string kid_;
  std::string shared_secret_k_;  // what --unsafe-jwks-shared-secret publishes as `k`
};

// The flags that turn the authorization server on (--oauth-clients-file) and shape it.
void declare_authorization_server_flags(cli::Flags& flags);
// nullopt when --oauth-clients-file is not given. Throws std::runtime_error for a bad flag or file.
std::optional<AuthorizationServerSettings> authorization_server_settings(const cli::Flags& flags, const AgentsFile& agents);

}  // namespace mcph::agent_bridge
