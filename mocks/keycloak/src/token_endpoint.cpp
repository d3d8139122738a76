// POST /realms/{realm}/protocol/openid-connect/token: the password, client_credentials and
// refresh_token grants, with Keycloak 26.5's checks in Keycloak's order; clients authenticate
// with a secret or a SPIFFE JWT-SVID (federated_client_auth.h), and a DPoP proof binds the
// token to its key (dpop_checks.h).
#include <algorithm>

#include "client_auth.h"
#include "dpop_checks.h"
#include "errors.h"
#include "federated_client_auth.h"
#include "protocol_mappers.h"
#include "request_util.h"
#include "scopes.h"
#include "state.h"
#include "token_claims.h"
#include "token_service.h"

#include "mcph/sync/unix_time.h"

namespace mcph::mock_keycloak {
namespace {

constexpr std::uint64_t kSessionSweepEvery = 256;

bool profile_incomplete(const User& user) {
  // The default user profile requires email, firstName and lastName (VERIFY_PROFILE).
  return user.email.empty() || user.first_name.empty() || user.last_name.empty();
}

KeycloakError invalid_credentials() {
  // 401 up to Keycloak 26.5 (400 from 26.6 on).
  return oauth_error(401, "invalid_grant", "Invalid user credentials");
}

ScopeSet requested_scope(const Client& client, const http::Fields& form) {
  const auto requested = form_value(form, "scope");
  auto scope = resolve_scope(client, requested);
  if (!scope) throw oauth_error(400, "invalid_scope", "Invalid scopes: " + *requested);
  return *scope;
}

void sweep_sessions(Realm& realm, std::int64_t now) {
  if (++realm.sessions_created % kSessionSweepEvery != 0) return;
  for (auto it = realm.sessions.begin(); it != realm.sessions.end();) {
    it = session_active(realm, it->second, now) ? std::next(it) : realm.sessions.erase(it);
  }
}

UserSession& start_session(Realm& realm, const User& user, const Client& client, const http::Request& request,
                           std::int64_t now) {
  sweep_sessions(realm, now);
  UserSession session;
  session.id = random_session_id();
  session.user_id = user.id;
  session.remote_addr = request.remote_addr;
  session.started = now;
  session.last_refresh = now;
  session.client_sessions[client.id] = now;
  const std::string id = session.id;
  return realm.sessions.emplace(id, std::move(session)).first->second;
}

TokenGrant mint(const State& state, Realm& realm, const Client& client, const User& user,
                const UserSession* session, const ScopeSet& scope, const http::Request& request,
                std::string_view jti_prefix, std::int64_t now) {
  const TokenSubject subject{
      realm, client, user, session, scope, state.issuer(realm), now, request.remote_addr};
  TokenGrant grant;
  grant.keys = signing_keys(realm);
  const std::int64_t exp = access_token_expiry(subject);
  grant.access = access_claims(subject, jti_prefix, exp);
  grant.expires_in = exp - now;
  if (session != nullptr && client.attribute("use.refresh.tokens") != "false") {
    const std::int64_t refresh_exp = refresh_token_expiry(realm, *session, now);
    grant.refresh = refresh_claims(subject, refresh_exp);
    grant.refresh_expires_in = refresh_exp - now;
  }
  if (scope.openid) grant.id = id_claims(subject, exp);
  if (session != nullptr) grant.session_state = session->id;
  grant.scope = scope.token_scope();
  return grant;
}

TokenGrant password_grant(const State& state, Realm& realm, const Client& client, const http::Fields& form,
                          const http::Request& request) {
  if (!client.direct_access_grants) {
    throw oauth_error(400, "unauthorized_client", "Client not allowed for direct access grants");
  }
  if (client.consent_required) throw oauth_error(400, "invalid_client", "Client requires user consent");
  const ScopeSet scope = requested_scope(client, form);
  const auto username = form_value(form, "username");
  if (!username) throw oauth_error(401, "invalid_request", "Missing parameter: username");
  User* user = realm.find_user_by_username(*username);
  if (user == nullptr && realm.login_with_email_allowed) user = realm.find_user_by_email(*username);
  if (user == nullptr) throw invalid_credentials();
  if (!user->enabled) throw oauth_error(400, "invalid_grant", "Account disabled");
  const auto password = form_value(form, "password");
  if (!password || !user->password || !check_password(user->password->hash, *password)) {
    throw invalid_credentials();
  }
  if (!user->required_actions.empty() || (realm.verify_profile && profile_incomplete(*user))) {
    throw oauth_error(400, "invalid_grant", "Account is not fully set up");
  }
  const std::int64_t now = sync::unix_seconds();
  const UserSession& session = start_session(realm, *user, client, request, now);
  return mint(state, realm, client, *user, &session, scope, request, "onrtro:", now);
}

TokenGrant client_credentials_grant(const State& state, Realm& realm, const Client& client,
                                    const http::Fields& form, const http::Request& request) {
  if (client.public_client) {
    throw oauth_error(401, "unauthorized_client", "Public client not allowed to retrieve service account");
  }
  if (!client.service_accounts) {
    throw oauth_error(401, "unauthorized_client", "Client not enabled to retrieve service account");
  }
  User* user = nullptr;
  for (auto& [id, candidate] : realm.users) {
    if (candidate.service_account_client_id == client.client_id) user = &candidate;
  }
  if (user == nullptr) throw oauth_error(400, "invalid_request", "Service account user not found");
  if (!user->enabled) {
    throw oauth_error(401, "invalid_request", "User '" + user->username + "' disabled");
  }
  const ScopeSet scope = requested_scope(client, form);
  const std::int64_t now = sync::unix_seconds();
  // Without client_credentials.use_refresh_token the session is transient: no sid, no refresh.
  if (client.attribute("client_credentials.use_refresh_token") == "true") {
    const UserSession& session = start_session(realm, *user, client, request, now);
    return mint(state, realm, client, *user, &session, scope, request, "onrtcc:", now);
  }
  return mint(state, realm, client, *user, nullptr, scope, request, "trrtcc:", now);
}

constexpr std::string_view kTokenExchange = "urn:ietf:params:oauth:grant-type:token-exchange";
constexpr std::string_view kAccessTokenType = "urn:ietf:params:oauth:token-type:access_token";
constexpr std::string_view kIdTokenType = "urn:ietf:params:oauth:token-type:id_token";

// Keycloak 26's standard token exchange (RFC 8693, internal to internal): the requester client
// trades a user's access token issued to it (it is in the token's aud, or is its azp) for a token
// of the same user and session for the audiences it names — which its own scopes must make
// available. Checks and texts in Keycloak 26.5's order.
TokenGrant token_exchange_grant(const State& state, Realm& realm, const Client& requester, const http::Fields& form,
                                const http::Request& request) {
  if (requester.public_client) throw oauth_error(400, "invalid_client", "Public client is not allowed to exchange token");
  if (requester.attribute("standard.token.exchange.enabled") != "true") {
    throw oauth_error(400, "invalid_request", "Standard token exchange is not enabled for the requested client");
  }
  const auto subject_token = form_value(form, "subject_token");
  if (!subject_token) {
    throw oauth_error(400, "invalid_request", "Parameter 'subject_token' required for standard token exchange");
  }
  const auto subject_type = form_value(form, "subject_token_type");
  if (!subject_type) {
    throw oauth_error(400, "invalid_request", "Parameter 'subject_token_type' required for standard token exchange");
  }
  if (*subject_type != kAccessTokenType) {
    throw oauth_error(400, "invalid_request", "Parameter 'subject_token' supports access tokens only");
  }
  const std::string requested_type = form_value(form, "requested_token_type").value_or(std::string(kAccessTokenType));
  if (requested_type != kAccessTokenType && requested_type != kIdTokenType) {
    throw oauth_error(400, "invalid_request", "requested_token_type unsupported");
  }
  // Keycloak takes a DPoP-bound subject token without a proof of its key (measured on 26.5.6,
  // TokenExchangeContract): the exchanged token is bound only to this request's proof, if any.
  auto info = verify_access_token(realm, state.issuer(realm), *subject_token);
  if (!info) info = verify_access_token(realm, state.issuer(realm), *subject_token, "DPoP");
  const std::int64_t now = sync::unix_seconds();
  const User* user = info ? token_user(realm, info->azp, info->sid, info->sub, info->iat, now) : nullptr;
  if (!info || user == nullptr || info->claims.value("exp", std::int64_t{0}) < now) {
    throw oauth_error(400, "invalid_request", "Invalid token");
  }
  bool in_audience = info->azp == requester.client_id;
  const auto& aud = info->claims["aud"];
  if (aud.is_string()) in_audience = in_audience || aud == requester.client_id;
  if (aud.is_array()) {
    for (const auto& entry : aud) in_audience = in_audience || entry == requester.client_id;
  }
  if (!in_audience) throw oauth_error(403, "access_denied", "Client is not within the token audience");

  // The audiences the requester's own mappers make available; the request names some of them
  // (each a client of the realm), or gets them all.
  const ScopeSet scope = *resolve_scope(requester, std::nullopt);
  const auto available = mapper_audiences(mappers_in_effect(realm, requester, scope.scopes), TokenKind::access);
  std::vector<std::string> wanted;
  for (const auto& [name, value] : form) {
    if (name == "audience") wanted.push_back(value);
  }
  for (const auto& audience : wanted) {
    if (realm.find_client_by_client_id(audience) == nullptr) throw oauth_error(400, "invalid_client", "Audience not found");
    if (std::find(available.begin(), available.end(), audience) == available.end()) {
      throw oauth_error(400, "invalid_request", "Requested audience not available: " + audience);
    }
  }
  const UserSession* session = nullptr;
  if (auto it = realm.sessions.find(info->sid); it != realm.sessions.end()) session = &it->second;
  TokenGrant grant = mint(state, realm, requester, *user, session, scope, request, "ntrtte:", now);
  grant.refresh.reset();
  grant.refresh_expires_in = 0;
  if (!wanted.empty()) {
    grant.access["aud"] = wanted.size() == 1 ? nlohmann::ordered_json(wanted.front()) : nlohmann::ordered_json(wanted);
  }
  grant.issued_token_type = requested_type;
  if (requested_type == kIdTokenType) {
    const TokenSubject subject{realm, requester, *user, session, scope, state.issuer(realm), now, request.remote_addr};
    grant.id = id_claims(subject, now + grant.expires_in);
    (*grant.id)["at_hash"] = nullptr;
    grant.id->erase("at_hash");
    grant.issued_id_token = true;
  }
  return grant;
}

TokenGrant refresh_token_grant(const State& state, Realm& realm, const Client& client,
                               const http::Fields& form, const http::Request& request) {
  const auto token = form_value(form, "refresh_token");
  if (!token) throw oauth_error(400, "invalid_request", "No refresh token");
  const auto info = decode_refresh_token(realm, *token);
  if (!info) throw oauth_error(400, "invalid_grant", "Invalid refresh token");
  const std::int64_t now = sync::unix_seconds();
  if (info->exp != 0 && now > info->exp) throw oauth_error(400, "invalid_grant", "Token is not active");
  if (info->azp != client.client_id) {
    throw oauth_error(400, "invalid_grant",
                      "Invalid refresh token. Token client and authorized client don't match");
  }
  auto session_it = realm.sessions.find(info->sid);
  if (session_it == realm.sessions.end() || !session_active(realm, session_it->second, now)) {
    if (session_it != realm.sessions.end()) realm.sessions.erase(session_it);
    throw oauth_error(400, "invalid_grant", "Session not active");
  }
  UserSession& session = session_it->second;
  const User* user = realm.find_user(session.user_id);
  if (user == nullptr) throw oauth_error(400, "invalid_grant", "Invalid refresh token");
  if (!user->enabled) throw oauth_error(400, "invalid_grant", "User disabled");
  if (info->iat < session.started) {
    throw oauth_error(400, "invalid_grant", "Refresh toked issued before the user session started");
  }
  if (!session.client_sessions.count(client.id)) {
    throw oauth_error(400, "invalid_grant", "Session doesn't have required client");
  }
  std::optional<std::string> token_scope;
  if (info->claims.contains("scope") && info->claims["scope"].is_string())
    token_scope = info->claims["scope"].get<std::string>();
  const ScopeSet scope = resolve_scope(client, token_scope).value_or(*resolve_scope(client, std::nullopt));
  session.last_refresh = now;
  return mint(state, realm, client, *user, &session, scope, request, "onrtrt:", now);
}

// The bundle a SPIFFE client assertion of this request is verified with: named under the lock,
// fetched (or taken from the cache) without it. Null when the request needs none.
std::shared_ptr<const jose::JwkSet> assertion_bundle(State& state, const http::Request& request) {
  std::optional<BundleRequest> wanted;
  {
    std::lock_guard lock(state.mutex);
    const Realm* realm = state.find_realm(request.captures.at(0));
    if (realm == nullptr || !is_form(request)) return nullptr;
    try {
      wanted = bundle_request(*realm, read_form(request));
    } catch (const std::exception&) {
      return nullptr;  // a malformed form: the request is refused below, as any other
    }
  }
  return wanted ? state.bundle_keys.keys(wanted->cache_key, wanted->endpoint, wanted->kid) : nullptr;
}

void handle_token(State& state, const http::Request& request, http::Response& response) {
  const std::shared_ptr<const jose::JwkSet> bundle = assertion_bundle(state, request);
  TokenGrant grant;
  {
    std::lock_guard lock(state.mutex);
    Realm* realm = state.find_realm(request.captures.at(0));
    if (realm == nullptr) throw plain_error(404, "Realm does not exist");
    // Keycloak reads form parameters whatever the body is: another media type has none.
    const http::Fields form = is_form(request) ? read_form(request) : http::Fields{};
    if (!realm->enabled) throw oauth_error(403, "access_denied", "Realm not enabled");
    const auto grant_type = form_value(form, "grant_type");
    if (!grant_type) throw oauth_error(400, "invalid_request", "Missing form parameter: grant_type");
    if (*grant_type != "password" && *grant_type != "client_credentials" && *grant_type != "refresh_token" &&
        *grant_type != kTokenExchange) {
      throw oauth_error(400, "unsupported_grant_type", "Unsupported grant_type");
    }
    const Client& client = has_client_assertion(form)
                               ? authenticate_federated_client(*realm, form, state.issuer(*realm), bundle.get(), sync::unix_seconds(),
                                                               state.options.unsafe_federated)
                               : authenticate_client(*realm, request, form);
    if (client.bearer_only) throw oauth_error(400, "invalid_client", "Bearer-only not allowed");
    if (has_duplicate_names(form)) throw oauth_error(400, "invalid_request", "duplicated parameter");
    // Keycloak checks the DPoP proof once the client is known.
    const std::optional<std::string> dpop_key = token_request_dpop_key(
        request, client, state.issuer(*realm) + "/protocol/openid-connect/token", state.dpop_proofs);
    if (*grant_type == "password") {
      grant = password_grant(state, *realm, client, form, request);
    } else if (*grant_type == "client_credentials") {
      grant = client_credentials_grant(state, *realm, client, form, request);
    } else if (*grant_type == kTokenExchange) {
      grant = token_exchange_grant(state, *realm, client, form, request);
    } else {
      grant = refresh_token_grant(state, *realm, client, form, request);
    }
    grant.dpop_jkt = dpop_key.value_or("");
  }
  // RSA signing (~0.25 ms) happens outside the lock, so concurrent logins do not queue on it.
  const auto body = sign_grant(grant);
  write_json(response, 200, body);
}

}  // namespace

void add_token_route(http::Server& server, State& state) {
  server.route("POST", "/realms/([^/]+)/protocol/openid-connect/token",
               guarded([&state](const http::Request& request, http::Response& response) {
                 try {
                   handle_token(state, request, response);
                   response.set_header("Cache-Control", "no-store");
                   response.set_header("Pragma", "no-cache");
                 } catch (KeycloakError& error) {
                   error.add_header("Cache-Control", "no-store");
                   error.add_header("Pragma", "no-cache");
                   throw;
                 }
               }));
}

}  // namespace mcph::mock_keycloak
