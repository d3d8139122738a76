#pragma once
// The claims of Keycloak 26's tokens: access (typ Bearer), ID (typ ID), refresh (typ Refresh)
// and the userinfo answer, with the client's protocol mappers applied.
#include <cstdint>
#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

#include "model.h"
#include "scopes.h"

namespace mcph::mock_keycloak {

struct TokenSubject {
  const Realm& realm;
  const Client& client;
  const User& user;
  const UserSession* session;  // null for client_credentials' transient session
  const ScopeSet& scope;
  std::string issuer;
  std::int64_t now;
  std::string remote_addr;
};

// now + the client's access.token.lifespan (else the realm's accessTokenLifespan), capped at
// the session's end (ssoSessionMaxLifespan); -1 means "until the session ends".
std::int64_t access_token_expiry(const TokenSubject& subject);
// The refresh token's end: idle timeout from now, capped at the session's maximum.
std::int64_t refresh_token_expiry(const Realm& realm, const UserSession& session, std::int64_t now);

// jti_prefix: Keycloak 26 marks the token's origin ("onrtro:" password, "onrtrt:" refresh,
// "trrtcc:" client_credentials); clients must treat jti as opaque.
nlohmann::ordered_json access_claims(const TokenSubject& subject, std::string_view jti_prefix,
                                     std::int64_t exp);
nlohmann::ordered_json id_claims(const TokenSubject& subject, std::int64_t exp);
nlohmann::ordered_json refresh_claims(const TokenSubject& subject, std::int64_t exp);
nlohmann::ordered_json userinfo_claims(const Realm& realm, const Client& client, const User& user);

}  // namespace mcph::mock_keycloak
