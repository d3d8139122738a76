#include "dpop_checks.h"

#include <nlohmann/json.hpp>

#include "errors.h"
#include "mcph/jose/error.h"
#include "mcph/text/ascii_case.h"

namespace mcph::mock_keycloak {
namespace {

using Json = nlohmann::json;

KeycloakError refused(const std::string& description) { return oauth_error(400, "invalid_request", description); }

jose::DpopVerifyOptions keycloak_options(const std::string& method, const std::string& url) {
  jose::DpopVerifyOptions options;
  options.htm = method;
  options.htu = url;
  options.refuse_private_jwk = false;  // Keycloak 26.5.6 accepts a jwk with its private key
  return options;
}

// DPoPUtil reads the header before the signature: typ, then alg, then jwk.
void check_header(const std::string& proof) {
  Json header;
  try {
    header = Json::parse(jose::split_compact(proof).header_json, nullptr, false);
  } catch (const jose::JoseError&) {
    throw refused("DPoP header verification failure");
  }
  if (!header.is_object()) throw refused("DPoP header verification failure");
  const Json typ = header.value("typ", Json());
  if (typ != "dpop+jwt") {
    throw refused("Invalid or missing type in DPoP header: " + (typ.is_string() ? typ.get<std::string>() : "null"));
  }
  const Json alg = header.value("alg", Json());
  if (alg != "ES256" && alg != "RS256") {
    throw refused("Unsupported DPoP algorithm: " + (alg.is_string() ? alg.get<std::string>() : "null"));
  }
  if (!header.contains("jwk")) throw refused("No JWK in DPoP header");
}

std::string keycloak_text(const jose::DpopError& error) {
  switch (error.check()) {
    case jose::DpopCheck::missing_member: return "DPoP mandatory claims are missing";
    case jose::DpopCheck::bad_jwk:
    case jose::DpopCheck::private_key_in_jwk: return "No public key in DPoP header";
    case jose::DpopCheck::bad_signature:
      return "DPoP verification failure: org.keycloak.exceptions.TokenSignatureInvalidException: Invalid token signature";
    case jose::DpopCheck::method_mismatch: return "DPoP HTTP method mismatch";
    case jose::DpopCheck::uri_mismatch: return "DPoP HTTP URL mismatch";
    case jose::DpopCheck::not_active: return "DPoP proof is not active";
    case jose::DpopCheck::replayed: return "DPoP proof has already been used";
    case jose::DpopCheck::replay_cache_full: return "DPoP proof replay cache is full";  // the stand-in's own
    case jose::DpopCheck::missing_ath: return "No access token hash in DPoP proof";
    case jose::DpopCheck::ath_mismatch: return "DPoP proof access token hash mismatch";
    case jose::DpopCheck::key_mismatch: return "DPoP confirmation doesn't match DPoP proof";
    default: return "DPoP header verification failure";
  }
}

// Keycloak reads the attribute with Boolean.parseBoolean: "true" in any case.
bool requires_dpop(const Client& client) {
  return text::ascii_iequals(client.attribute("dpop.bound.access.tokens"), "true");
}

}  // namespace

std::optional<std::string> token_request_dpop_key(const http::Request& request, const Client& client,
                                                  const std::string& token_endpoint_url,
                                                  jose::DpopReplayCache& replay_cache) {
  if (!request.has_header("DPoP")) {
    if (requires_dpop(client)) throw refused("DPoP proof is missing");
    return std::nullopt;
  }
  const std::string proof = request.header("DPoP");
  check_header(proof);
  try {
    return jose::verify_dpop_proof(proof, keycloak_options("POST", token_endpoint_url), &replay_cache).jkt;
  } catch (const jose::DpopError& error) {
    throw refused(keycloak_text(error));
  }
}

bool resource_request_proof_fits(const http::Request& request, const std::string& url, const std::string& access_token,
                                 const std::string& jkt, jose::DpopReplayCache& replay_cache) {
  if (!request.has_header("DPoP") || jkt.empty()) return false;
  jose::DpopVerifyOptions options = keycloak_options(request.method, url);
  options.access_token = access_token;
  options.expected_jkt = jkt;
  try {
    jose::verify_dpop_proof(request.header("DPoP"), options, &replay_cache);
    return true;
  } catch (const jose::DpopError&) {
    return false;
  }
}

std::string dpop_challenge(const Realm& realm, const std::string& error, const std::string& description) {
  return "DPoP algs=\"ES256 RS256\", realm=\"" + realm.name + "\", error=\"" + error + "\", error_description=\"" +
         description + "\"";
}

}  // namespace mcph::mock_keycloak
