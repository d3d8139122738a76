#pragma once
// Who an agent is: from an API key (X-API-Key), a JWT (Authorization: Bearer) or a client
// certificate named by a TLS-terminating proxy (X-SSL-Client-S-DN / X-SSL-Client-Verify).
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "mcph/agent_bridge/agents_file.h"
#include "mcph/http/message.h"
#include "mcph/jose/jwk.h"
#include "mcph/oidc/jwks_cache.h"

namespace mcph::agent_bridge {

struct Agent {
  std::string id;
  std::vector<std::string> scopes;
  std::string via;  // "api-key", "jwt" or "client-certificate"
};

struct JwtSettings {
  jose::JwkSet shared_secret;                // HS256 when not empty
  std::shared_ptr<oidc::JwksCache> jwks;     // RS256/ES256 otherwise
  jose::Alg alg = jose::Alg::HS256;          // the one algorithm accepted
  std::string issuer, audience;
  bool unsafe_no_aud_check = false;
  // Sabotage only: iss is checked when the token has one; a token without iss is taken.
  bool unsafe_iss_only_when_present = false;
  // Sabotage only: an unsigned token (alg none, in any case) is taken at its word.
  bool unsafe_accept_alg_none = false;
  // Sabotage only: HS256 signatures made with a published default secret verify too.
  bool unsafe_published_secrets = false;
  std::vector<jose::Alg> unsafe_extra_algs;  // sabotage only: algorithms accepted besides alg
  // The claim that names the agent. "sub" for the harness's and the bridge's own tokens; "azp"
  // for an outside authorization server's client credentials tokens, whose sub is a service
  // account (Keycloak's), and then the agents file must list the agent.
  std::string agent_claim = "sub";
};

struct IdentitySettings {
  const AgentsFile* agents = nullptr;
  bool api_keys = false;
  std::optional<JwtSettings> jwt;
  // The tokens of the bridge's own authorization server, told from the others by their iss.
  std::optional<JwtSettings> issued;
  // The access tokens of an outside authorization server (Keycloak's service accounts), by iss.
  std::optional<JwtSettings> trusted_issuer;
  std::string proxy_address;  // identity headers: empty = off
  bool own_tls_client_certificates = false;  // the server terminates TLS and requires a certificate
  bool unsafe_trust_identity_headers = false;
  bool unsafe_first_credential_wins = false;
  // Sabotage only: the certificate's DN split on ',' and '+' with escapes ignored, the last CN
  // taken: an escaped comma in a value, a second CN or a multi-valued RDN names the agent.
  bool unsafe_naive_dn_split = false;
  // Sabotage only: a refused API key or JWT falls back to the identity headers, read unchecked
  // (from any address, with any verdict).
  bool unsafe_refused_credential_to_headers = false;
  // Sabotage only: the DN is also read under other proxies' header names (X-SSL-Client-DN,
  // X-Client-DN, SSL-Client-S-DN), and under those believed from any address, with any verdict.
  bool unsafe_other_dn_headers = false;
  // Sabotage only: a token bound to a key (cnf, DPoP) is taken as a bearer token, without a proof.
  bool unsafe_dpop_as_bearer = false;
};

struct Identification {
  std::optional<Agent> agent;
  int status = 401;          // when no agent: 401 (missing/invalid), 400 (credentials of two agents), 503
  std::string error;         // OAuth error code for the challenge: invalid_token, invalid_request
  std::string description;   // names no secret
  bool presented = false;    // some credential was presented
};

Identification identify(const http::Request& request, const IdentitySettings& settings);

// The value of the single CN attribute of an RFC 4514 distinguished name; nullopt when it has
// none, several, or the DN is malformed.
std::optional<std::string> single_common_name(const std::string& dn);

}  // namespace mcph::agent_bridge
