#include "token_claims.h"

#include <algorithm>

#include "crypto_util.h"
#include "protocol_mappers.h"
#include "roles.h"

namespace mcph::mock_keycloak {
namespace {

void add_profile_claims(const User& user, bool profile, bool email, nlohmann::ordered_json& claims) {
  if (email) claims["email_verified"] = user.email_verified;
  if (profile) {
    std::string name = user.first_name;
    if (!user.last_name.empty()) name += (name.empty() ? "" : " ") + user.last_name;
    if (!name.empty()) claims["name"] = name;
    claims["preferred_username"] = user.username;
    if (!user.first_name.empty()) claims["given_name"] = user.first_name;
    if (!user.last_name.empty()) claims["family_name"] = user.last_name;
  }
  if (email && !user.email.empty()) claims["email"] = user.email;
}

nlohmann::ordered_json audience(const std::vector<std::string>& audiences) {
  if (audiences.size() == 1) return audiences.front();
  return audiences;
}

void add_unique(std::vector<std::string>& list, const std::string& item) {
  if (std::find(list.begin(), list.end(), item) == list.end()) list.push_back(item);
}

}  // namespace

std::int64_t access_token_expiry(const TokenSubject& s) {
  long lifespan = s.realm.access_token_lifespan;
  const std::string client_lifespan = s.client.attribute("access.token.lifespan");
  if (!client_lifespan.empty()) {
    try {
      const long value = std::stol(client_lifespan);
      if (value != 0) lifespan = value;
    } catch (const std::exception&) {
    }
  }
  if (s.session == nullptr) return s.now + (lifespan > 0 ? lifespan : s.realm.access_token_lifespan);
  const std::int64_t session_end = s.session->started + s.realm.sso_session_max_lifespan;
  if (lifespan < 0) return session_end;
  return std::min<std::int64_t>(s.now + lifespan, session_end);
}

std::int64_t refresh_token_expiry(const Realm& realm, const UserSession& session, std::int64_t now) {
  return std::min<std::int64_t>(now + realm.sso_session_idle_timeout,
                                session.started + realm.sso_session_max_lifespan);
}

nlohmann::ordered_json access_claims(const TokenSubject& s, std::string_view jti_prefix, std::int64_t exp) {
  nlohmann::ordered_json claims;
  claims["exp"] = exp;
  claims["iat"] = s.now;
  claims["jti"] = std::string(jti_prefix) + random_uuid();
  claims["iss"] = s.issuer;
  // Full-scope clients carry the account roles of default-roles-<realm>, so Keycloak's
  // audience-resolve mapper adds "account" after the client's own audience mappers.
  const bool roles = s.client.full_scope_allowed && s.scope.has("roles");
  const Mappers mappers = mappers_in_effect(s.realm, s.client, s.scope.scopes);
  std::vector<std::string> audiences = mapper_audiences(mappers, TokenKind::access);
  // The user's client roles, by clientId; audience-resolve adds those clients but the token's own.
  nlohmann::ordered_json client_roles = nlohmann::ordered_json::object();
  if (roles) {
    for (const auto& [uuid, names] : s.user.client_roles) {
      const auto owner = s.realm.clients.find(uuid);
      if (owner == s.realm.clients.end() || names.empty()) continue;
      client_roles[owner->second.client_id] = {{"roles", std::vector<std::string>(names.begin(), names.end())}};
      if (owner->second.client_id != s.client.client_id) add_unique(audiences, owner->second.client_id);
    }
    add_unique(audiences, "account");
  }
  if (!audiences.empty()) claims["aud"] = audience(audiences);
  claims["sub"] = s.user.id;
  claims["typ"] = "Bearer";
  claims["azp"] = s.client.client_id;
  if (s.session != nullptr) claims["sid"] = s.session->id;
  if (s.scope.has("acr")) claims["acr"] = "1";
  if (s.scope.has("web-origins")) {
    std::vector<std::string> origins;
    for (const auto& origin : s.client.web_origins) {
      if (origin != "+" && origin != "-") origins.push_back(origin);
    }
    if (!origins.empty()) claims["allowed-origins"] = origins;
  }
  if (roles) {
    const auto realm_roles = effective_realm_roles(s.realm, s.user);
    claims["realm_access"] = {{"roles", std::vector<std::string>(realm_roles.begin(), realm_roles.end())}};
    claims["resource_access"] = {{"account", {{"roles", default_account_roles()}}}};
    claims["resource_access"].update(client_roles);
  }
  claims["scope"] = s.scope.token_scope();
  if (!s.user.service_account_client_id.empty()) {
    // The service_account client scope's session-note mappers.
    claims["clientHost"] = s.remote_addr;
    claims["clientAddress"] = s.remote_addr;
    claims["client_id"] = s.client.client_id;
  }
  add_profile_claims(s.user, s.scope.has("profile"), s.scope.has("email"), claims);
  apply_claim_mappers(s.realm, mappers, s.user, TokenKind::access, claims);
  return claims;
}

nlohmann::ordered_json id_claims(const TokenSubject& s, std::int64_t exp) {
  nlohmann::ordered_json claims;
  claims["exp"] = exp;
  claims["iat"] = s.now;
  claims["jti"] = random_uuid();
  claims["iss"] = s.issuer;
  const Mappers mappers = mappers_in_effect(s.realm, s.client, s.scope.scopes);
  std::vector<std::string> audiences{s.client.client_id};
  for (const auto& extra : mapper_audiences(mappers, TokenKind::id)) add_unique(audiences, extra);
  claims["aud"] = audience(audiences);
  claims["sub"] = s.user.id;
  claims["typ"] = "ID";
  claims["azp"] = s.client.client_id;
  if (s.session != nullptr) claims["sid"] = s.session->id;
  claims["at_hash"] = "";  // filled in once the access token is signed
  if (s.scope.has("acr")) claims["acr"] = "1";
  add_profile_claims(s.user, s.scope.has("profile"), s.scope.has("email"), claims);
  apply_claim_mappers(s.realm, mappers, s.user, TokenKind::id, claims);
  return claims;
}

nlohmann::ordered_json refresh_claims(const TokenSubject& s, std::int64_t exp) {
  nlohmann::ordered_json claims;
  claims["exp"] = exp;
  claims["iat"] = s.now;
  claims["jti"] = random_uuid();
  claims["iss"] = s.issuer;
  claims["aud"] = s.issuer;
  claims["sub"] = s.user.id;
  claims["typ"] = "Refresh";
  claims["azp"] = s.client.client_id;
  if (s.session != nullptr) claims["sid"] = s.session->id;
  claims["scope"] = s.scope.refresh_scope();
  return claims;
}

nlohmann::ordered_json userinfo_claims(const Realm& realm, const Client& client, const User& user) {
  nlohmann::ordered_json claims;
  claims["sub"] = user.id;
  add_profile_claims(user, true, true, claims);
  apply_claim_mappers(realm, mappers_in_effect(realm, client, client.default_client_scopes), user,
                      TokenKind::userinfo, claims);
  return claims;
}

}  // namespace mcph::mock_keycloak
