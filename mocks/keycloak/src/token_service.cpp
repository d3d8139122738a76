#include "token_service.h"

#include "crypto_util.h"
#include "hs512.h"
#include "mcph/codec/base64.h"
#include "mcph/jose/jws.h"
#include "mcph/jose/jwt.h"

namespace mcph::mock_keycloak {
namespace {

template <typename T>
T claim_or(const nlohmann::json& claims, const char* name, T fallback) {
  auto it = claims.find(name);
  if (it == claims.end()) return fallback;
  if constexpr (std::is_same_v<T, std::string>) {
    return it->is_string() ? it->template get<std::string>() : fallback;
  } else {
    return it->is_number_integer() ? it->template get<T>() : fallback;
  }
}

}  // namespace

SigningKeys signing_keys(Realm& realm) {
  for (const char* algorithm : {"RS256", "HS512"}) {
    if (realm.active_key(algorithm) != nullptr) continue;
    KeySpec spec;
    spec.component_id = random_uuid();
    spec.name = std::string("fallback-") + algorithm;
    spec.provider_id = std::string(algorithm) == "RS256" ? "rsa-generated" : "hmac-generated-hs512";
    spec.priority = -100;
    realm.keys.push_back(make_key(realm.name, std::move(spec)));
    realm.keys_changed();
  }
  const RealmKey* rsa = realm.active_key("RS256");
  const RealmKey* hmac = realm.active_key("HS512");
  return SigningKeys{rsa->rsa, rsa->kid, hmac->secret, hmac->kid};
}

namespace {

// Keycloak's DPoP-bound access token: typ "DPoP", and cnf.jkt where Keycloak writes it (after
// resource_access, before scope).
void bind_to_dpop_key(nlohmann::ordered_json& access, const std::string& jkt) {
  nlohmann::ordered_json bound;
  for (auto& [name, value] : access.items()) {
    if (name == "scope") bound["cnf"] = {{"jkt", jkt}};
    bound[name] = name == "typ" ? nlohmann::ordered_json("DPoP") : value;
  }
  if (!bound.contains("cnf")) bound["cnf"] = {{"jkt", jkt}};
  access = std::move(bound);
}

}  // namespace

nlohmann::ordered_json sign_grant(TokenGrant& grant) {
  if (!grant.dpop_jkt.empty() && !grant.issued_id_token) bind_to_dpop_key(grant.access, grant.dpop_jkt);
  const std::string access = jose::sign_jwt(*grant.keys.rsa, jose::Alg::RS256,
                                            grant.issued_id_token ? grant.id->dump() : grant.access.dump(),
                                            grant.keys.rsa_kid);
  nlohmann::ordered_json response;
  response["access_token"] = access;
  response["expires_in"] = grant.expires_in;
  response["refresh_expires_in"] = grant.refresh_expires_in;
  if (grant.refresh) {
    response["refresh_token"] =
        sign_hs512(grant.keys.hmac_secret, grant.keys.hmac_kid, grant.refresh->dump());
  }
  response["token_type"] = grant.issued_id_token ? "N_A" : grant.dpop_jkt.empty() ? "Bearer" : "DPoP";
  if (grant.id && !grant.issued_id_token) {
    // at_hash: the left half of SHA-256 over the access token (OIDC Core §3.1.3.6).
    (*grant.id)["at_hash"] = codec::base64url_encode(sha256(access).substr(0, 16));
    response["id_token"] =
        jose::sign_jwt(*grant.keys.rsa, jose::Alg::RS256, grant.id->dump(), grant.keys.rsa_kid);
  }
  response["not-before-policy"] = 0;
  if (!grant.session_state.empty()) response["session_state"] = grant.session_state;
  response["scope"] = grant.scope;
  if (!grant.issued_token_type.empty()) response["issued_token_type"] = grant.issued_token_type;
  return response;
}

std::optional<AccessTokenInfo> verify_access_token(const Realm& realm, const std::string& issuer,
                                                   std::string_view token, std::string_view typ) {
  if (!realm.verification_keys) return std::nullopt;
  jose::VerifyOptions options;
  options.issuer = issuer;
  try {
    const auto verified = jose::verify_jwt(token, *realm.verification_keys, options);
    AccessTokenInfo info;
    info.claims = nlohmann::json::parse(verified.payload_json);
    if (claim_or<std::string>(info.claims, "typ", "") != typ) return std::nullopt;
    info.sub = verified.sub;
    if (info.sub.empty()) return std::nullopt;
    info.sid = claim_or<std::string>(info.claims, "sid", "");
    info.azp = claim_or<std::string>(info.claims, "azp", "");
    info.iat = verified.iat.value_or(0);
    return info;
  } catch (const std::exception&) {
    return std::nullopt;
  }
}

std::optional<RefreshTokenInfo> decode_refresh_token(const Realm& realm, std::string_view token) {
  const auto payload = verify_hs512(token, [&realm](const std::string& kid) -> const std::string* {
    const RealmKey* key = realm.find_hmac_key(kid);
    return key == nullptr ? nullptr : &key->secret;
  });
  if (!payload) return std::nullopt;
  RefreshTokenInfo info;
  info.claims = nlohmann::json::parse(*payload, nullptr, false);
  if (!info.claims.is_object()) return std::nullopt;
  const std::string typ = claim_or<std::string>(info.claims, "typ", "");
  if (typ != "Refresh" && typ != "Offline") return std::nullopt;
  info.sub = claim_or<std::string>(info.claims, "sub", "");
  info.sid = claim_or<std::string>(info.claims, "sid", "");
  info.azp = claim_or<std::string>(info.claims, "azp", "");
  info.iat = claim_or<std::int64_t>(info.claims, "iat", 0);
  info.exp = claim_or<std::int64_t>(info.claims, "exp", 0);
  return info;
}

bool session_active(const Realm& realm, const UserSession& session, std::int64_t now) {
  // Keycloak grants idle sessions a grace window (SessionTimeoutHelper.IDLE_TIMEOUT_WINDOW_SECONDS);
  // a refresh token's own exp still ends at the idle timeout.
  constexpr std::int64_t kIdleWindow = 120;
  return now < session.last_refresh + realm.sso_session_idle_timeout + kIdleWindow &&
         now < session.started + realm.sso_session_max_lifespan;
}

const User* token_user(Realm& realm, const std::string& azp, const std::string& sid, const std::string& sub,
                       std::int64_t iat, std::int64_t now) {
  const Client* client = realm.find_client_by_client_id(azp);
  if (client == nullptr || !client->enabled) return nullptr;
  const User* user = nullptr;
  if (sid.empty()) {
    user = realm.find_user(sub);
  } else {
    auto it = realm.sessions.find(sid);
    if (it == realm.sessions.end() || !session_active(realm, it->second, now)) return nullptr;
    if (!it->second.client_sessions.count(client->id) || iat < it->second.started) return nullptr;
    user = realm.find_user(it->second.user_id);
  }
  return user != nullptr && user->enabled ? user : nullptr;
}

}  // namespace mcph::mock_keycloak
