#pragma once
// Signing tokens (RS256 with the realm's active key, HS512 for refresh tokens) and checking the
// tokens the realm issued.
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

#include "mcph/jose/key.h"
#include "model.h"

namespace mcph::mock_keycloak {

struct SigningKeys {
  std::shared_ptr<const jose::Key> rsa;
  std::string rsa_kid;
  std::string hmac_secret;
  std::string hmac_kid;
};
// The realm's active RS256 and HS512 keys. Like Keycloak's DefaultKeyManager, a realm left
// without an active key for an algorithm gets a generated "fallback-<alg>" key.
SigningKeys signing_keys(Realm& realm);

// A token endpoint answer before signing: it is built under the store's lock and signed after.
struct TokenGrant {
  SigningKeys keys;
  nlohmann::ordered_json access;
  std::optional<nlohmann::ordered_json> refresh;
  std::optional<nlohmann::ordered_json> id;
  std::int64_t expires_in = 0;
  std::int64_t refresh_expires_in = 0;
  std::string session_state;
  std::string scope;
  // Token exchange: the issued token's type URI (the response then has issued_token_type and,
  // for an ID token, token_type "N_A" with the ID token in access_token).
  std::string issued_token_type;
  bool issued_id_token = false;
  // DPoP (RFC 9449): the thumbprint of the proof's key. The access token then has typ "DPoP"
  // and cnf.jkt, and the answer token_type "DPoP".
  std::string dpop_jkt;
};
// Signs the tokens and renders Keycloak's AccessTokenResponse.
nlohmann::ordered_json sign_grant(TokenGrant& grant);

// An RS256 access token of this realm with a good signature, iss, the typ claim `typ` ("Bearer",
// or "DPoP" for a DPoP-bound token presented with the DPoP scheme) and an exp in the future
// (Keycloak's TokenVerifier default checks). Session and user checks are the caller's.
struct AccessTokenInfo {
  nlohmann::json claims;
  std::string sub;
  std::string sid;  // empty for client_credentials tokens
  std::string azp;
  std::int64_t iat = 0;
};
std::optional<AccessTokenInfo> verify_access_token(const Realm& realm, const std::string& issuer,
                                                   std::string_view token, std::string_view typ = "Bearer");

// A refresh token of this realm with a good HS512 signature and typ "Refresh"; the caller
// checks exp, client, session and user.
struct RefreshTokenInfo {
  nlohmann::json claims;
  std::string sub;
  std::string sid;
  std::string azp;
  std::int64_t iat = 0;
  std::int64_t exp = 0;
};
std::optional<RefreshTokenInfo> decode_refresh_token(const Realm& realm, std::string_view token);

// The user behind a verified token while the token is still good: its client (azp) exists and
// is enabled, its session (sid; none for client_credentials tokens) is active, holds the client
// and started before the token was issued, and the user exists and is enabled. Null otherwise.
const User* token_user(Realm& realm, const std::string& azp, const std::string& sid, const std::string& sub,
                       std::int64_t iat, std::int64_t now);

// Whether the user session is still within its idle and maximum lifespans.
bool session_active(const Realm& realm, const UserSession& session, std::int64_t now);

}  // namespace mcph::mock_keycloak
