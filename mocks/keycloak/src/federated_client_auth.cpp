#include "federated_client_auth.h"

#include <algorithm>

#include <nlohmann/json.hpp>

#include "errors.h"
#include "identity_providers.h"
#include "mcph/jose/jws.h"
#include "request_util.h"

namespace mcph::mock_keycloak {
namespace {

using Json = nlohmann::json;

constexpr const char* kFederatedJwt = "federated-jwt";
constexpr std::int64_t kMaximumExpirationTime = 300;  // FederatedJWTClientValidator's

KeycloakError not_identified() {
  return oauth_error(401, "invalid_client", "Invalid client or Invalid client credentials");
}

KeycloakError invalid(const std::string& description) { return oauth_error(400, "invalid_client", description); }

// The assertion's header and claims, unverified; nullopt when it is no JWS of JSON objects.
struct Assertion {
  std::string kid;
  std::string alg;
  Json claims;
};
std::optional<Assertion> read_assertion(const http::Fields& form) {
  const auto token = form_value(form, "client_assertion");
  if (!token) return std::nullopt;
  try {
    const jose::CompactJws parts = jose::split_compact(*token);
    const Json header = Json::parse(parts.header_json, nullptr, false);
    Json claims = Json::parse(parts.payload_json, nullptr, false);
    if (!header.is_object() || !claims.is_object()) return std::nullopt;
    Assertion assertion;
    assertion.kid = header.value("kid", Json()).is_string() ? header["kid"].get<std::string>() : "";
    assertion.alg = header.value("alg", Json()).is_string() ? header["alg"].get<std::string>() : "";
    assertion.claims = std::move(claims);
    return assertion;
  } catch (const std::exception&) {
    return std::nullopt;
  }
}

std::string string_claim(const Json& claims, const char* name) {
  const auto found = claims.find(name);
  return found != claims.end() && found->is_string() ? found->get<std::string>() : std::string();
}

std::optional<std::int64_t> int_claim(const Json& claims, const char* name) {
  const auto found = claims.find(name);
  if (found == claims.end() || !found->is_number()) return std::nullopt;
  return found->is_number_float() ? static_cast<std::int64_t>(found->get<double>()) : found->get<std::int64_t>();
}

// FederatedJWTClientAuthenticator ignores a self-signed assertion (iss equal to sub, both absent
// too) before it looks for a client.
bool self_signed(const Assertion& assertion) {
  return string_claim(assertion.claims, "iss") == string_claim(assertion.claims, "sub");
}

// The federated client whose jwt.credential.sub is this SPIFFE ID (AlternativeLookupProvider).
Client* client_for_subject(Realm& realm, const std::string& sub) {
  if (sub.empty()) return nullptr;
  for (auto& [id, client] : realm.clients) {
    if (client.attribute("jwt.credential.sub") == sub) return &client;
  }
  return nullptr;
}

const IdentityProvider* spiffe_provider_of(const Realm& realm, const Client& client) {
  const auto found = realm.identity_providers.find(client.attribute("jwt.credential.issuer"));
  if (found == realm.identity_providers.end() || found->second.provider_id != kSpiffeProvider) return nullptr;
  return &found->second;
}

// SpiffeIdentityProvider.verifySignature: the bundle's key of the header's kid, an asymmetric
// algorithm that fits it.
bool signature_verifies(const std::string& token, const jose::JwkSet* bundle, const Assertion& assertion, bool kid_only) {
  const jose::Jwk* jwk = bundle == nullptr || assertion.kid.empty() ? nullptr : bundle->find(assertion.kid);
  const std::optional<jose::Alg> alg = jose::alg_from_string(assertion.alg);
  if (jwk == nullptr || !alg || *alg == jose::Alg::HS256 || !jose::alg_fits_key(*alg, jwk->key.type())) return false;
  if (kid_only) return true;
  const jose::CompactJws parts = jose::split_compact(token);
  return jose::verify_bytes(jwk->key, *alg, parts.signing_input, parts.signature);
}

std::vector<std::string> audiences(const Json& claims) {
  const auto found = claims.find("aud");
  std::vector<std::string> result;
  if (found == claims.end()) return result;
  if (found->is_string()) result.push_back(found->get<std::string>());
  if (found->is_array()) {
    for (const Json& entry : *found) {
      if (entry.is_string()) result.push_back(entry.get<std::string>());
    }
  }
  return result;
}

// AbstractBaseJWTValidator.validateTokenActive, reuse permitted (SPIFFE SVIDs may be cached).
// no_expiry: as if exp were still ahead (sabotage).
void check_active(const Json& claims, std::int64_t skew, std::int64_t now, bool no_expiry) {
  const auto exp = int_claim(claims, "exp");
  if (!exp || *exp == 0) throw invalid("Token exp claim is required");
  const auto nbf = int_claim(claims, "nbf");
  if ((!no_expiry && now > *exp + skew) || (nbf && *nbf != 0 && now < *nbf - skew)) throw invalid("Token is not active");
  const auto iat = int_claim(claims, "iat");
  std::int64_t lifespan = no_expiry ? kMaximumExpirationTime : *exp - now;
  if (!iat) {
    if (lifespan > kMaximumExpirationTime) {
      throw invalid("Token expiration is too far in the future and iat claim not present in token");
    }
    return;
  }
  if (*iat - skew > now) throw invalid("Token was issued in the future");
  lifespan = std::min(lifespan, kMaximumExpirationTime);
  if (lifespan <= 0) throw invalid("Token is not active");
  if (now > *iat + kMaximumExpirationTime) throw invalid("Token was issued too far in the past to be used now");
}

std::int64_t allowed_clock_skew(const IdentityProvider& provider) {
  try {
    const std::string value = provider.config_value("allowedClockSkew");
    return value.empty() ? 0 : std::stoll(value);
  } catch (const std::exception&) {
    return 0;
  }
}

}  // namespace

bool has_client_assertion(const http::Fields& form) {
  return form_value(form, "client_assertion_type").has_value() || form_value(form, "client_assertion").has_value();
}

std::optional<BundleRequest> bundle_request(const Realm& realm, const http::Fields& form) {
  if (form_value(form, "client_assertion_type") != std::string(kJwtSpiffeAssertion)) return std::nullopt;
  const auto assertion = read_assertion(form);
  if (!assertion) return std::nullopt;
  const std::string sub = string_claim(assertion->claims, "sub");
  if (self_signed(*assertion)) return std::nullopt;
  for (const auto& [id, client] : realm.clients) {
    if (sub.empty() || client.attribute("jwt.credential.sub") != sub) continue;
    const IdentityProvider* provider = spiffe_provider_of(realm, client);
    if (provider == nullptr || !provider->enabled || provider->config_value("bundleEndpoint").empty()) {
      return std::nullopt;
    }
    return BundleRequest{realm.id + "/" + provider->internal_id, provider->config_value("bundleEndpoint"), assertion->kid};
  }
  return std::nullopt;
}

Client& authenticate_federated_client(Realm& realm, const http::Fields& form, const std::string& realm_issuer,
                                      const jose::JwkSet* bundle, std::int64_t now, const UnsafeFederatedAuth& unsafe) {
  // jwt-bearer assertions go to the client-jwt authenticator, whose client (clientId = sub)
  // a SPIFFE ID never names, and to the federated one, which finds them a provider by their iss
  // (config.issuer), where a SPIFFE provider takes SVIDs alone; anything else is no assertion
  // Keycloak knows.
  if (form_value(form, "client_assertion_type") != std::string(kJwtSpiffeAssertion)) throw not_identified();
  const auto assertion = read_assertion(form);
  if (!assertion) throw not_identified();
  const std::string sub = string_claim(assertion->claims, "sub");
  if (self_signed(*assertion)) throw not_identified();
  const auto client_id = form_value(form, "client_id");
  Client* client = unsafe.client_from_client_id && client_id ? realm.find_client_by_client_id(*client_id)
                                                             : client_for_subject(realm, sub);
  if (client == nullptr || !client->enabled || client->client_authenticator_type != kFederatedJwt) {
    throw not_identified();
  }
  const IdentityProvider* provider = spiffe_provider_of(realm, *client);
  if (provider == nullptr || !provider->enabled) throw not_identified();
  // SpiffeIdentityProvider: the SPIFFE ID must be of the provider's trust domain.
  if (sub.rfind(provider->config_value(kTrustDomainKey) + "/", 0) != 0 && !unsafe.any_trust_domain) throw not_identified();
  // FederatedJWTClientValidator, in its order.
  if (client_id && *client_id != sub && !unsafe.client_from_client_id) {
    throw invalid("client_id parameter does not match sub claim");
  }
  if (!signature_verifies(*form_value(form, "client_assertion"), bundle, *assertion, unsafe.kid_only)) throw not_identified();
  const std::vector<std::string> aud = audiences(assertion->claims);
  if (std::find(aud.begin(), aud.end(), realm_issuer) == aud.end() && !unsafe.no_audience_check) {
    throw invalid("Invalid token audience");
  }
  if (aud.size() > 1) throw invalid("Multiple audiences not allowed");
  check_active(assertion->claims, allowed_clock_skew(*provider), now, unsafe.no_expiry_check);
  return *client;
}

}  // namespace mcph::mock_keycloak
