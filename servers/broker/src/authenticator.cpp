#include "mcph/broker/authenticator.h"

#include <nlohmann/json.hpp>

#include "mcph/http/message.h"
#include "mcph/oidc/jwks_cache.h"

namespace mcph::broker {
namespace {

// RFC 6750 §3: auth-param values are quoted strings; keep them printable and unquoted inside.
std::string auth_param(std::string_view text) {
  std::string out = "\"";
  for (char c : text) {
    if (c == '"' || c == '\\') out += '\\';
    out += (c >= 0x20 && c < 0x7f) ? c : '?';
  }
  return out + "\"";
}

}  // namespace

Authenticator::Authenticator(AuthConfig config) : config_(std::move(config)) {
  if (config_.jwks_url.empty()) config_.jwks_url = config_.issuer + "/protocol/openid-connect/certs";
  oidc::JwksCacheOptions options;
  options.http.connect_timeout = std::chrono::milliseconds(2000);
  options.http.read_timeout = std::chrono::milliseconds(3000);
  jwks_ = std::make_unique<oidc::JwksCache>(config_.jwks_url, options);
}

Authenticator::~Authenticator() = default;

std::string Authenticator::challenge(std::string_view error, std::string_view description) const {
  std::string value = "Bearer";
  std::string separator = " ";
  if (!config_.resource_metadata_url.empty()) {
    value += separator + "resource_metadata=" + auth_param(config_.resource_metadata_url);
    separator = ", ";
  }
  if (!error.empty()) {
    value += separator + "error=" + auth_param(error) + ", error_description=" + auth_param(description);
  }
  return value;
}

AuthResult Authenticator::authenticate(std::string_view authorization) const {
  AuthResult result;
  constexpr std::string_view kScheme = "bearer ";
  if (authorization.size() <= kScheme.size() || !http::iequals(authorization.substr(0, kScheme.size()), kScheme)) {
    // No credentials of our scheme: the bare challenge (RFC 6750 §3.1, no error code).
    result.description = "missing bearer token";
    result.www_authenticate = challenge({}, {});
    return result;
  }
  std::string_view token = authorization.substr(kScheme.size());
  while (!token.empty() && token.front() == ' ') token.remove_prefix(1);

  jose::VerifyOptions options;
  options.allowed_algs = config_.algorithms;
  options.issuer = config_.issuer;
  options.audience = config_.audience;
  options.leeway = config_.leeway;
  try {
    const jose::VerifiedJwt jwt = jwks_->verify(token, options);
    if (jwt.sub.empty()) {
      result.description = "token has no subject";
      result.www_authenticate = challenge("invalid_token", result.description);
      return result;
    }
    Principal principal;
    principal.subject = jwt.sub;
    principal.token = std::string(token);
    principal.expires_at = jwt.exp.value_or(0);
    const auto claims = nlohmann::json::parse(jwt.payload_json, nullptr, false);
    if (claims.is_object()) {
      if (auto it = claims.find("preferred_username"); it != claims.end() && it->is_string()) {
        principal.username = it->get<std::string>();
      }
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
