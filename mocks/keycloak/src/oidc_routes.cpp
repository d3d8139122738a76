// The realm's public endpoints: /realms/{realm}, discovery, JWKS, userinfo, logout and token
// introspection. The token endpoint lives in token_endpoint.cpp.
#include "client_auth.h"
#include "discovery.h"
#include "dpop_checks.h"
#include "errors.h"
#include "hs512.h"
#include "request_util.h"
#include "state.h"
#include "token_claims.h"
#include "token_service.h"

#include "mcph/sync/unix_time.h"

namespace mcph::mock_keycloak {
namespace {

Realm& realm_or_404(State& state, const http::Request& request) {
  Realm* realm = state.find_realm(request.captures.at(0));
  if (realm == nullptr) throw plain_error(404, "Realm does not exist");
  return *realm;
}

// The token's "scope" claim (space-separated) names `scope`.
bool scope_claim_has(const nlohmann::json& claims, const std::string& scope) {
  const std::string text = " " + claims.value("scope", std::string()) + " ";
  return text.find(" " + scope + " ") != std::string::npos;
}

// Userinfo's refusals are a bearer challenge (RFC 6750 §3) and no body, as in Keycloak: 401 for
// a missing or bad token (without error attributes when there is no token at all), 403 for a
// token without the openid scope.
KeycloakError userinfo_challenge(const Realm& realm, int status, const std::string& error,
                                 const std::string& description) {
  std::string challenge = "Bearer realm=\"" + realm.name + "\"";
  if (!error.empty()) challenge += ", error=\"" + error + "\", error_description=\"" + description + "\"";
  return KeycloakError(status, nullptr, {{"WWW-Authenticate", challenge}});
}

KeycloakError userinfo_unauthorized(const Realm& realm, const std::string& error,
                                    const std::string& description) {
  return userinfo_challenge(realm, 401, error, description);
}

// cnf.jkt of a DPoP-bound token; "" when it has none.
std::string confirmation_key(const nlohmann::json& claims) {
  const auto cnf = claims.find("cnf");
  if (cnf == claims.end() || !cnf->is_object()) return {};
  const auto jkt = cnf->find("jkt");
  return jkt != cnf->end() && jkt->is_string() ? jkt->get<std::string>() : std::string();
}

// "Authorization: DPoP <token>" (RFC 9449 §7): a DPoP-bound token and a proof for this request
// by its key; any failure is the DPoP challenge with Keycloak's "Token verification failed".
std::optional<AccessTokenInfo> verify_dpop_request(State& state, Realm& realm, const http::Request& request,
                                                   const std::string& token) {
  auto info = verify_access_token(realm, state.issuer(realm), token, "DPoP");
  const std::string url = state.issuer(realm) + "/protocol/openid-connect/userinfo";
  const std::string jkt = info ? confirmation_key(info->claims) : std::string();
  if (!info || !resource_request_proof_fits(request, url, token, jkt, state.dpop_proofs)) {
    throw KeycloakError(401, nullptr,
                        {{"WWW-Authenticate", dpop_challenge(realm, "invalid_token", "Token verification failed")}});
  }
  return info;
}

void handle_userinfo(State& state, const http::Request& request, http::Response& response) {
  std::lock_guard lock(state.mutex);
  Realm& realm = realm_or_404(state, request);
  std::optional<AccessTokenInfo> info;
  if (const auto dpop = dpop_token(request)) {
    info = verify_dpop_request(state, realm, request, *dpop);
  } else {
    auto token = bearer_token(request);
    if (!token && request.method == "POST" && is_form(request))
      token = form_value(read_form(request), "access_token");
    if (!token) throw userinfo_unauthorized(realm, "", "");
    // A DPoP-bound token (typ "DPoP") presented as a bearer token fails here.
    info = verify_access_token(realm, state.issuer(realm), *token);
  }
  if (!info) throw userinfo_unauthorized(realm, "invalid_token", "Token verification failed");
  if (!scope_claim_has(info->claims, "openid")) {
    throw userinfo_challenge(realm, 403, "insufficient_scope", "Missing openid scope");
  }
  const Client* client = realm.find_client_by_client_id(info->azp);
  if (client == nullptr) throw oauth_error(400, "invalid_request", "Client not found");
  if (!client->enabled) throw oauth_error(400, "invalid_request", "Client disabled");
  const User* user = nullptr;
  if (info->sid.empty()) {
    user = realm.find_user(info->sub);
    if (user == nullptr) throw userinfo_unauthorized(realm, "invalid_request", "User not found");
  } else {
    auto it = realm.sessions.find(info->sid);
    if (it == realm.sessions.end()) throw userinfo_unauthorized(realm, "invalid_token", "user_session_not_found");
    if (!it->second.client_sessions.count(client->id)) {
      throw userinfo_unauthorized(realm, "invalid_request",
                                  "User session not found or doesn't have client attached on it");
    }
    if (!session_active(realm, it->second, sync::unix_seconds())) {
      throw userinfo_unauthorized(realm, "invalid_token", "Session expired");
    }
    if (info->iat < it->second.started) throw userinfo_unauthorized(realm, "invalid_token", "Stale token");
    user = realm.find_user(it->second.user_id);
    if (user == nullptr) throw oauth_error(400, "invalid_request", "User not found");
  }
  write_json(response, 200, userinfo_claims(realm, *client, *user));
}

void handle_logout(State& state, const http::Request& request, http::Response& response) {
  std::lock_guard lock(state.mutex);
  Realm& realm = realm_or_404(state, request);
  const http::Fields form = is_form(request) ? read_form(request) : http::Fields{};
  const auto token = form_value(form, "refresh_token");
  if (!token) {
    // Without a refresh token this is the browser's RP-initiated logout endpoint: Keycloak
    // answers with its logout confirmation page, whatever else the request carries.
    response.status = 200;
    response.content_type = "text/html;charset=utf-8";
    response.body = "<!DOCTYPE html>\n<html class=\"login-pf\" lang=\"en\"><head><title>Logging out</title></head>"
                    "<body><p>Do you want to log out?</p></body></html>\n";
    return;
  }
  const Client& client = authenticate_client(realm, request, form);
  if (client.bearer_only) throw oauth_error(400, "invalid_client", "Bearer-only not allowed");
  const auto info = decode_refresh_token(realm, *token);
  if (!info) throw oauth_error(400, "invalid_grant", "Invalid refresh token");
  if (info->azp != client.client_id) {
    throw oauth_error(400, "invalid_grant",
                      "Invalid refresh token. Token client and authorized client don't match");
  }
  realm.sessions.erase(info->sid);  // a second logout with the same token is a no-op, as in Keycloak
  response.status = 204;
}

nlohmann::json introspect(State& state, Realm& realm, const std::string& token) {
  const nlohmann::json inactive = {{"active", false}};
  const std::int64_t now = sync::unix_seconds();
  if (jws_alg(token) == "HS512") {
    const auto info = decode_refresh_token(realm, token);
    if (!info || (info->exp != 0 && now > info->exp)) return inactive;
    const User* user = token_user(realm, info->azp, info->sid, info->sub, info->iat, now);
    if (user == nullptr) return inactive;
    nlohmann::json out = info->claims;
    out["client_id"] = info->azp;
    out["username"] = user->username;
    out["token_type"] = info->claims["typ"];
    out["active"] = true;
    return out;
  }
  const auto info = verify_access_token(realm, state.issuer(realm), token);
  if (!info) return inactive;
  const User* user = token_user(realm, info->azp, info->sid, info->sub, info->iat, now);
  if (user == nullptr) return inactive;
  nlohmann::json out = info->claims;
  out["client_id"] = info->azp;
  out["username"] = user->username;
  out["token_type"] = "Bearer";
  out["active"] = true;
  return out;
}

void handle_introspect(State& state, const http::Request& request, http::Response& response) {
  std::lock_guard lock(state.mutex);
  Realm& realm = realm_or_404(state, request);
  if (!realm.enabled) throw oauth_error(403, "access_denied", "Realm not enabled");
  const http::Fields form = is_form(request) ? read_form(request) : http::Fields{};
  const Client* client = nullptr;
  try {
    client = &authenticate_client(realm, request, form);
  } catch (const KeycloakError&) {
    throw oauth_error(401, "invalid_request", "Authentication failed.");
  }
  if (client->public_client) throw oauth_error(403, "invalid_request", "Client not allowed.");
  if (has_duplicate_names(form)) throw oauth_error(400, "invalid_request", "duplicated parameter");
  const std::string hint = form_value(form, "token_type_hint").value_or("access_token");
  const auto token = form_value(form, "token");
  if (!token) throw oauth_error(400, "invalid_request", "Token not provided.");
  if (hint != "access_token" && hint != "refresh_token") {
    throw oauth_error(400, "invalid_request", "Unsupported token type.");
  }
  write_json(response, 200, introspect(state, realm, *token));
}

}  // namespace

void add_oidc_routes(http::Server& server, State& state) {
  const std::string realm = "/realms/([^/]+)";
  const std::string oidc = realm + "/protocol/openid-connect";
  server.route("GET", realm, guarded([&state](const http::Request& request, http::Response& response) {
                 std::lock_guard lock(state.mutex);
                 const Realm& r = realm_or_404(state, request);
                 write_json(response, 200, realm_info(r, state.issuer(r)));
               }));
  server.route("GET", realm + "/\\.well-known/openid-configuration",
               guarded([&state](const http::Request& request, http::Response& response) {
                 std::lock_guard lock(state.mutex);
                 const Realm& r = realm_or_404(state, request);
                 write_json(response, 200, openid_configuration(state.issuer(r)));
               }));
  server.route("GET", oidc + "/certs",
               guarded([&state](const http::Request& request, http::Response& response) {
                 std::lock_guard lock(state.mutex);
                 Realm& r = realm_or_404(state, request);
                 r.make_deferred_keys();
                 write_json(response, 200, jwks(r));
                 // certs() @Produces application/json first, application/jwk-set+json for clients asking for
                 // it.
                 const std::string accept = request.header("Accept");
                 if (accept.find("application/jwk-set+json") != std::string::npos &&
                     accept.find("application/json") == std::string::npos) {
                   response.content_type = "application/jwk-set+json";
                 }
               }));
  add_token_route(server, state);
  auto introspection = guarded([&state](const http::Request& request, http::Response& response) {
    handle_introspect(state, request, response);
  });
  server.route("POST", oidc + "/token/introspect", introspection);
  auto userinfo = guarded([&state](const http::Request& request, http::Response& response) {
    handle_userinfo(state, request, response);
  });
  server.route("GET", oidc + "/userinfo", userinfo);
  server.route("POST", oidc + "/userinfo", userinfo);
  server.route("POST", oidc + "/logout",
               guarded([&state](const http::Request& request, http::Response& response) {
                 handle_logout(state, request, response);
               }));
}

}  // namespace mcph::mock_keycloak
