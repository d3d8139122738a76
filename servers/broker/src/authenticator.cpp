#include "mcph/broker/authenticator.h"

#include <algorithm>
#include <optional>

#include <nlohmann/json.hpp>

#include "mcph/http/message.h"
#include "mcph/jose/jwt.h"
#include "mcph/jose/subject_replay_caches.h"
#include "mcph/oidc/jwks_cache.h"
#include "auth_param.h"

namespace mcph::broker {

// RFC 6750 §3: auth-param values are quoted strings; keep them printable and unquoted inside.
std::string auth_param(std::string_view text) {
  std::string out = "\"";
  for (char c : text) {
    if (c == '"' || c == '\\') out += '\\';
    out += (c >= 0x20 && c < 0x7f) ? c : '?';
  }
  return out + "\"";
}

namespace {

// Why a verified JWT is not an access token, or nullopt when it is one: RFC 9068's header type,
// else Keycloak's `typ` claim ("Bearer" for access tokens; "ID", "Refresh", "Logout" for others).
// A token whose claim names another kind is refused whatever its header says: the two disagree.
// Keycloak's bound access tokens say "DPoP" instead of "Bearer".
std::optional<std::string> not_an_access_token(const jose::VerifiedJwt& jwt) {
  const bool access_claim = jwt.typ_claim == "Bearer" || (jwt.typ_claim == "DPoP" && jose::is_key_bound(jwt));
  if (!jwt.typ_claim.empty() && !access_claim) return "a " + jwt.typ_claim + " token is not an access token";
  if (http::iequals(jwt.typ, "at+jwt") || http::iequals(jwt.typ, "application/at+jwt")) return std::nullopt;
  if (access_claim) return std::nullopt;
  return "the token does not say it is an access token (no at+jwt type, no typ claim)";
}

// Cognito's kind of token: its `token_use` claim ("access", "id"); refresh tokens are opaque.
std::optional<std::string> not_a_cognito_access_token(const nlohmann::json& claims) {
  const auto use = claims.find("token_use");
  if (use == claims.end() || !use->is_string()) return "the token has no token_use claim";
  if (*use != "access") return "a token_use " + use->get<std::string>() + " token is not an access token";
  return std::nullopt;
}

// The client a token was issued to: `azp` (OIDC), Cognito's `client_id`.
std::string client_of(const jose::VerifiedJwt& jwt, const nlohmann::json& claims, TokenProfile profile) {
  if (profile == TokenProfile::oidc) return jwt.azp;
  const auto client = claims.find("client_id");
  return client != claims.end() && client->is_string() ? client->get<std::string>() : std::string();
}

bool has_form_token(const http::Request& request) {
  const std::string type = request.header("Content-Type");
  if (type.rfind("application/x-www-form-urlencoded", 0) != 0) return false;
  const std::string& body = request.body;
  return body.rfind("access_token=", 0) == 0 || body.find("&access_token=") != std::string::npos;
}

}  // namespace

Authenticator::Authenticator(AuthConfig config)
    : config_(std::move(config)), replays_(std::make_unique<jose::SubjectReplayCaches>(config_.dpop_replay_capacity)) {
  if (config_.jwks_url.empty()) config_.jwks_url = config_.issuer + "/protocol/openid-connect/certs";
  oidc::JwksCacheOptions options;
  options.http.connect_timeout = std::chrono::milliseconds(2000);
  options.http.read_timeout = std::chrono::milliseconds(3000);
  jwks_ = std::make_unique<oidc::JwksCache>(config_.jwks_url, options);
}

void Authenticator::set_resource(const std::string& resource, std::string metadata_url) {
  if (config_.audience.empty()) config_.audience = resource;
  config_.resource_metadata_url = std::move(metadata_url);
  const auto authority = resource.find("://");
  origin_ = resource.substr(0, authority == std::string::npos ? 0 : resource.find('/', authority + 3));
}

Authenticator::~Authenticator() = default;

std::string bearer_challenge(std::string_view resource_metadata_url, std::string_view scope, std::string_view error,
                             std::string_view description) {
  std::string value = "Bearer";
  std::string separator = " ";
  if (!resource_metadata_url.empty()) {
    value += separator + "resource_metadata=" + auth_param(resource_metadata_url);
    separator = ", ";
  }
  if (!scope.empty()) {
    value += separator + "scope=" + auth_param(scope);
    separator = ", ";
  }
  if (!error.empty()) {
    value += separator + "error=" + auth_param(error) + ", error_description=" + auth_param(description);
  }
  return value;
}

std::string Authenticator::challenge(std::string_view error, std::string_view description) const {
  return bearer_challenge(config_.resource_metadata_url, config_.scope, error, description);
}

std::string Authenticator::insufficient_scope_challenge(std::string_view needed) const {
  const std::string scope = config_.scope.empty() ? std::string(needed) : config_.scope + " " + std::string(needed);
  return bearer_challenge(config_.resource_metadata_url, scope, "insufficient_scope",
                          "this call needs scope " + std::string(needed));
}

AuthResult Authenticator::authenticate(const http::Request& request) const {
  std::vector<std::string_view> headers;
  for (const auto& [name, value] : request.headers) {
    if (http::iequals(name, "Authorization")) headers.push_back(value);
  }
  const bool token_in_uri = request.query_param("access_token").has_value();
  auto invalid_request = [this](std::string description) {
    AuthResult result;
    result.status = 400;
    result.description = std::move(description);
    result.www_authenticate = challenge("invalid_request", result.description);
    return result;
  };
  if (headers.size() > 1) return invalid_request("more than one Authorization header");
  if (token_in_uri || has_form_token(request)) {
    return invalid_request(std::string("access tokens are accepted in the Authorization header only, not in the ") +
                           (token_in_uri ? "query string" : "request body"));
  }
  AuthResult result = authenticate(headers.empty() ? std::string_view() : headers.front(), &request);
  if (result.principal) result.principal->trace = http::trace_context_of(request);
  return result;
}

AuthResult Authenticator::authenticate(std::string_view authorization) const { return authenticate(authorization, nullptr); }

AuthResult Authenticator::authenticate(std::string_view authorization, const http::Request* request) const {
  AuthResult result;
  const auto has_scheme = [authorization](std::string_view scheme) {
    return authorization.size() > scheme.size() && http::iequals(authorization.substr(0, scheme.size()), scheme);
  };
  const bool dpop_scheme = !config_.dpop_algs.empty() && has_scheme("dpop ");
  if (!dpop_scheme && !has_scheme("bearer ")) {
    // No credentials of our schemes: the bare challenge (RFC 6750 §3.1, no error code).
    result.description = "missing bearer token";
    result.www_authenticate = challenge({}, {});
    return result;
  }
  std::string_view token = authorization.substr(authorization.find(' ') + 1);
  while (!token.empty() && token.front() == ' ') token.remove_prefix(1);

  if (config_.audience.empty() && config_.profile == TokenProfile::oidc) {
    // Fails closed: a server learns its resource URL (its audience) once bound; until then no
    // token is one issued for it.
    result.description = "token rejected: this server does not know its audience yet";
    result.www_authenticate = challenge("invalid_token", result.description);
    return result;
  }
  jose::VerifyOptions options;
  options.allowed_algs = config_.algorithms;
  if (config_.check_issuer) options.issuer = config_.issuer;
  // Cognito's access tokens name no audience: the client they were issued to stands for it.
  if (config_.profile == TokenProfile::oidc) options.audience = config_.audience;
  options.leeway = config_.leeway;
  try {
    const jose::VerifiedJwt jwt = jwks_->verify(token, options);
    if (jwt.sub.empty()) {
      result.description = "token has no subject";
      result.www_authenticate = challenge("invalid_token", result.description);
      return result;
    }
    const bool bound_as_bearer = !dpop_scheme && config_.unsafe_dpop.as_bearer;
    if (jose::is_key_bound(jwt) != dpop_scheme && !bound_as_bearer) {
      if (dpop_scheme) return refused_proof("the DPoP scheme needs a DPoP-bound token (cnf.jkt)");
      result.description = "token rejected: a DPoP-bound token counts only with a proof of its key";
      result.www_authenticate = challenge("invalid_token", result.description);
      return result;
    }
    const nlohmann::json claims = config_.profile == TokenProfile::cognito
                                      ? nlohmann::json::parse(jwt.payload_json, nullptr, false)
                                      : nlohmann::json::object();
    if (config_.access_tokens_only) {
      const auto why = config_.profile == TokenProfile::cognito ? not_a_cognito_access_token(claims)
                                                                : not_an_access_token(jwt);
      if (why) {
        result.description = "token rejected: " + *why;
        result.www_authenticate = challenge("invalid_token", result.description);
        return result;
      }
    }
    if (!config_.allowed_clients.empty()) {
      const std::string client = client_of(jwt, claims, config_.profile);
      if (std::find(config_.allowed_clients.begin(), config_.allowed_clients.end(), client) ==
          config_.allowed_clients.end()) {
        result.description = "token rejected: issued to " + (client.empty() ? std::string(config_.profile == TokenProfile::cognito ? "no client (no client_id)" : "no client (no azp)")
                                                                            : "client " + client) +
                             ", which may not call this server";
        result.www_authenticate = challenge("invalid_token", result.description);
        return result;
      }
    }
    Principal principal;
    principal.subject = jwt.sub;
    principal.token = std::string(token);
    principal.expires_at = jwt.exp.value_or(0);
    principal.username = jwt.preferred_username.empty() && claims.is_object() ? claims.value("username", "")
                                                                             : jwt.preferred_username;
    principal.scopes = jwt.scopes;
    if (dpop_scheme) {
      if (auto refusal = check_proof(request, token, jwt.cnf_jkt, principal)) return *refusal;
    }
    result.principal = std::move(principal);
    result.status = 200;
  } catch (const jose::JoseError& e) {
    result.description = std::string("token rejected (") + std::string(jose::to_string(e.kind())) + "): " + e.what();
    result.www_authenticate = challenge("invalid_token", result.description);
  } catch (const oidc::JwksUnavailable& e) {
    result.status = 503;
    result.description = "cannot verify tokens: the identity provider's keys are unavailable";
  }
  return result;
}

}  // namespace mcph::broker
