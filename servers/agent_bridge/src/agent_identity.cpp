#include "mcph/agent_bridge/agent_identity.h"

#include <algorithm>
#include <cctype>

#include <nlohmann/json.hpp>

#include "mcph/agent_bridge/scopes.h"
#include "mcph/codec/base64.h"
#include "mcph/jose/jwt.h"
#include "mcph/jose/well_known_secrets.h"
#include "mcph/openssl/crypto.h"
#include "mcph/text/ascii_case.h"

namespace mcph::agent_bridge {
namespace {

Identification invalid(std::string description) {
  Identification result;
  result.status = 401;
  result.error = "invalid_token";
  result.description = std::move(description);
  result.presented = true;
  return result;
}

Identification found(Agent agent) {
  Identification result;
  result.agent = std::move(agent);
  result.status = 200;
  result.presented = true;
  return result;
}

std::optional<Identification> by_api_key(const http::Request& request, const IdentitySettings& settings) {
  if (!settings.api_keys || !request.has_header("X-API-Key")) return std::nullopt;
  const auto entry = settings.agents->by_api_key(request.header("X-API-Key"));
  if (!entry) return invalid("the API key is not known");
  return found(Agent{entry->id, entry->scopes, "api-key"});
}

Identification from_claims(const std::string& sub, const nlohmann::json& claims) {
  std::vector<std::string> scopes;
  if (claims.contains("scope") && claims["scope"].is_string()) scopes = split_scopes(claims["scope"].get<std::string>());
  return found(Agent{sub, scopes, "jwt"});
}

// The unverified header's alg, lower-cased ("" when there is none).
std::string header_alg(const std::string& token) {
  const auto text = codec::base64url_decode(token.substr(0, token.find('.')));
  const auto header = text ? nlohmann::json::parse(*text, nullptr, false) : nlohmann::json();
  if (!header.is_object() || !header.contains("alg") || !header["alg"].is_string()) return "";
  return text::ascii_lower(header["alg"].get<std::string>());
}

bool signed_with_published_secret(const std::string& token) {
  const std::size_t dot = token.rfind('.');
  const auto signature = dot == std::string::npos ? std::nullopt : codec::base64url_decode(token.substr(dot + 1));
  if (!signature || header_alg(token) != "hs256") return false;
  const std::string input = token.substr(0, dot);
  return std::any_of(jose::well_known_hs256_secrets().begin(), jose::well_known_hs256_secrets().end(), [&](const std::string& secret) {
    return openssl::constant_time_equals(openssl::hmac_sha256(secret, input), *signature);
  });
}

// What the sabotage switches let through: alg none in any case (unsafe_accept_alg_none), an
// HS256 signature of a published secret (unsafe_published_secrets). Such a token is taken at its
// word but for its issuer and sub.
std::optional<Identification> taken_unverified(const std::string& token, const JwtSettings& jwt) {
  const bool let_through = (jwt.unsafe_accept_alg_none && header_alg(token) == "none") ||
                           (jwt.unsafe_published_secrets && signed_with_published_secret(token));
  const auto payload = let_through ? jose::unverified_payload(token) : std::nullopt;
  const auto claims = payload ? nlohmann::json::parse(*payload, nullptr, false) : nlohmann::json();
  if (!claims.is_object() || claims.value("iss", nlohmann::json()) != jwt.issuer) return std::nullopt;
  const auto sub = claims.value("sub", nlohmann::json());
  if (!sub.is_string() || !valid_agent_id(sub.get<std::string>())) return std::nullopt;
  return from_claims(sub.get<std::string>(), claims);
}

// The iss a token claims, unverified: which of the verifiers is to check it.
std::string unverified_issuer(const std::string& token) {
  const auto payload = jose::unverified_payload(token);
  const auto claims = payload ? nlohmann::json::parse(*payload, nullptr, false) : nlohmann::json();
  return claims.is_object() && claims.contains("iss") && claims["iss"].is_string() ? claims["iss"].get<std::string>() : "";
}

// The verifier of a token: the bridge's own authorization server's or the trusted issuer's when
// the token names that issuer, else the JWT settings (or the only verifier there is).
const JwtSettings& verifier_of(const std::string& token, const IdentitySettings& settings) {
  const std::string iss = unverified_issuer(token);
  if (settings.issued && settings.issued->issuer == iss) return *settings.issued;
  if (settings.trusted_issuer && settings.trusted_issuer->issuer == iss) return *settings.trusted_issuer;
  if (settings.jwt) return *settings.jwt;
  return settings.issued ? *settings.issued : *settings.trusted_issuer;
}

std::optional<Identification> by_jwt(const http::Request& request, const IdentitySettings& settings) {
  const std::string authorization = request.header("Authorization");
  if ((!settings.jwt && !settings.issued && !settings.trusted_issuer) || authorization.empty()) return std::nullopt;
  if (authorization.rfind("Bearer ", 0) != 0) return invalid("the Authorization header is not a Bearer token");
  const std::string token = authorization.substr(7);
  const JwtSettings& jwt = verifier_of(token, settings);
  jose::VerifyOptions options;
  options.allowed_algs = {jwt.alg};
  options.allowed_algs.insert(options.allowed_algs.end(), jwt.unsafe_extra_algs.begin(), jwt.unsafe_extra_algs.end());
  // The defect of `if (claims.iss && claims.iss !== issuer)`: no iss, nothing to check.
  const bool iss_unchecked = jwt.unsafe_iss_only_when_present && unverified_issuer(token).empty();
  if (!iss_unchecked) options.issuer = jwt.issuer;
  if (!jwt.unsafe_no_aud_check) options.audience = jwt.audience;
  if (auto taken = taken_unverified(token, jwt)) return taken;
  try {
    const jose::VerifiedJwt verified =
        jwt.jwks ? jwt.jwks->verify(token, options) : jose::verify_jwt(token, jwt.shared_secret, options);
    if (verified.iss.empty() && !iss_unchecked) return invalid("the token has no iss");
    if (!jwt.unsafe_no_aud_check && verified.aud.empty()) return invalid("the token has no aud");
    // No JWT path here verifies a proof of possession: a bound token is its key's, not its bearer's.
    if (jose::is_key_bound(verified) && !settings.unsafe_dpop_as_bearer) {
      return invalid("a DPoP-bound token counts only with a proof of its key, which this server does not take");
    }
    const nlohmann::json claims = nlohmann::json::parse(verified.payload_json);
    if (jwt.agent_claim == "sub") {
      if (!valid_agent_id(verified.sub)) return invalid("the token's sub is not a valid agent id");
      return from_claims(verified.sub, claims);
    }
    const nlohmann::json named = claims.value(jwt.agent_claim, nlohmann::json());
    const std::string agent = named.is_string() ? named.get<std::string>() : "";
    if (!valid_agent_id(agent) || !settings.agents || !settings.agents->by_id(agent)) {
      return invalid("the token's " + jwt.agent_claim + " names no known agent");
    }
    return from_claims(agent, claims);
  } catch (const jose::JoseError& e) {
    return invalid(std::string("the token was refused: ") + std::string(jose::to_string(e.kind())));
  } catch (const oidc::JwksUnavailable&) {
    Identification result = invalid("the key set cannot be fetched");
    result.status = 503;
    return result;
  } catch (const nlohmann::json::exception&) {
    return invalid("the token's claims are not JSON");
  }
}

// The sabotage's reading of a DN (unsafe_naive_dn_split): split on ',' and '+', escapes ignored,
// the last part that starts with CN= taken.
std::optional<std::string> last_cn_by_splitting(const std::string& dn) {
  std::optional<std::string> cn;
  std::size_t start = 0;
  while (start <= dn.size()) {
    const std::size_t end = std::min(dn.find_first_of(",+", start), dn.size());
    const std::string part = dn.substr(start, end - start);
    if (part.rfind("CN=", 0) == 0 && part.size() > 3) cn = part.substr(3);
    start = end + 1;
  }
  return cn;
}

// The sabotage's other header names of the DN (unsafe_other_dn_headers): the first one present.
std::optional<std::string> other_dn_header(const http::Request& request) {
  for (const char* name : {"X-SSL-Client-DN", "X-Client-DN", "SSL-Client-S-DN"}) {
    if (request.has_header(name)) return request.header(name);
  }
  return std::nullopt;
}

// `checked`: false only on the sabotage's fallback after a refused credential.
std::optional<Identification> by_proxy_headers(const http::Request& request, const IdentitySettings& settings,
                                               bool checked = true) {
  if (settings.unsafe_other_dn_headers && !request.has_header("X-SSL-Client-S-DN")) {
    if (const auto dn = other_dn_header(request)) {
      const auto cn = single_common_name(*dn);
      const auto entry = cn && settings.agents ? settings.agents->by_id(*cn) : std::nullopt;
      if (!entry) return invalid("the certificate names no known agent");
      return found(Agent{entry->id, entry->scopes, "client-certificate"});
    }
  }
  if (settings.proxy_address.empty() || !request.has_header("X-SSL-Client-S-DN")) return std::nullopt;
  if (checked && !settings.unsafe_trust_identity_headers) {
    if (request.remote_addr != settings.proxy_address) return invalid("identity headers from an address that is not the proxy");
    if (request.header("X-SSL-Client-Verify") != "SUCCESS") return invalid("the proxy did not verify the client certificate");
  }
  const std::string dn = request.header("X-SSL-Client-S-DN");
  const auto cn = settings.unsafe_naive_dn_split ? last_cn_by_splitting(dn) : single_common_name(dn);
  if (!cn) return invalid("the certificate's subject must have exactly one CN");
  const auto entry = settings.agents ? settings.agents->by_id(*cn) : std::nullopt;
  if (!entry) return invalid("the certificate names no known agent");
  return found(Agent{entry->id, entry->scopes, "client-certificate"});
}

std::optional<Identification> by_own_tls(const http::Request& request, const IdentitySettings& settings) {
  if (!settings.own_tls_client_certificates || !request.tls || !request.client_certificate.presented) return std::nullopt;
  if (!request.client_certificate.verified) return invalid("the client certificate is not verified");
  const auto cn = single_common_name(request.client_certificate.subject_dn);
  if (!cn) return invalid("the certificate's subject must have exactly one CN");
  const auto entry = settings.agents ? settings.agents->by_id(*cn) : std::nullopt;
  if (!entry) return invalid("the certificate names no known agent");
  return found(Agent{entry->id, entry->scopes, "client-certificate"});
}

}  // namespace

std::optional<std::string> single_common_name(const std::string& dn) {
  std::vector<std::pair<std::string, std::string>> attributes;
  std::string type, value;
  bool in_value = false;
  for (std::size_t i = 0; i < dn.size(); ++i) {
    const char c = dn[i];
    if (c == '\\') {
      if (i + 1 >= dn.size() || !in_value) return std::nullopt;
      value += dn[++i];
    } else if (!in_value && c == '=') {
      in_value = true;
    } else if (c == ',' || c == '+') {
      if (!in_value) return std::nullopt;
      attributes.emplace_back(type, value);
      type.clear();
      value.clear();
      in_value = false;
    } else if (in_value) {
      value += c;
    } else if (c != ' ') {
      type += c;
    }
  }
  if (!in_value) return std::nullopt;
  attributes.emplace_back(type, value);
  std::optional<std::string> cn;
  for (const auto& [name, text] : attributes) {
    if (name == "CN" || name == "cn" || name == "2.5.4.3") {
      if (cn) return std::nullopt;
      cn = text;
    }
  }
  if (cn && cn->empty()) return std::nullopt;
  return cn;
}

Identification identify(const http::Request& request, const IdentitySettings& settings) {
  std::vector<Identification> presented;
  const auto proxy_headers = [](const http::Request& r, const IdentitySettings& s) { return by_proxy_headers(r, s); };
  for (auto* method : {by_api_key, by_jwt, +proxy_headers, by_own_tls}) {
    if (auto result = method(request, settings)) {
      if (settings.unsafe_first_credential_wins) return *result;
      presented.push_back(std::move(*result));
    }
  }
  const bool key_or_token = request.has_header("X-API-Key") || request.has_header("Authorization");
  if (settings.unsafe_refused_credential_to_headers && key_or_token && !presented.empty() && !presented.front().agent) {
    if (auto fallback = by_proxy_headers(request, settings, false); fallback && fallback->agent) return *fallback;
  }
  if (presented.empty()) {
    Identification none;
    none.description = "no credential: send X-API-Key, a Bearer token or a client certificate";
    return none;
  }
  for (const auto& result : presented) {
    if (!result.agent) return result;
  }
  for (const auto& result : presented) {
    if (result.agent->id != presented.front().agent->id) {
      Identification conflict;
      conflict.status = 400;
      conflict.error = "invalid_request";
      conflict.description = "the request carries credentials of two different agents";
      conflict.presented = true;
      return conflict;
    }
  }
  return presented.front();
}

}  // namespace mcph::agent_bridge
