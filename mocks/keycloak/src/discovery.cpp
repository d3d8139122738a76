#include "discovery.h"

#include <algorithm>

namespace mcph::mock_keycloak {

nlohmann::ordered_json openid_configuration(const std::string& issuer) {
  const std::string oidc = issuer + "/protocol/openid-connect";
  const std::vector<std::string> algs{"PS384", "RS384", "EdDSA", "ES384", "HS256", "HS512", "ES256",
                                      "RS256", "HS384", "ES512", "PS256", "PS512", "RS512"};
  const std::vector<std::string> auth_methods{"private_key_jwt", "client_secret_basic", "client_secret_post",
                                              "tls_client_auth", "client_secret_jwt"};
  nlohmann::ordered_json doc;
  doc["issuer"] = issuer;
  doc["authorization_endpoint"] = oidc + "/auth";
  doc["token_endpoint"] = oidc + "/token";
  doc["introspection_endpoint"] = oidc + "/token/introspect";
  doc["userinfo_endpoint"] = oidc + "/userinfo";
  doc["end_session_endpoint"] = oidc + "/logout";
  doc["frontchannel_logout_session_supported"] = true;
  doc["frontchannel_logout_supported"] = true;
  doc["jwks_uri"] = oidc + "/certs";
  doc["check_session_iframe"] = oidc + "/login-status-iframe.html";
  doc["grant_types_supported"] = {"authorization_code",
                                  "client_credentials",
                                  "implicit",
                                  "password",
                                  "refresh_token",
                                  "urn:ietf:params:oauth:grant-type:device_code",
                                  "urn:ietf:params:oauth:grant-type:token-exchange",
                                  "urn:ietf:params:oauth:grant-type:uma-ticket",
                                  "urn:openid:params:grant-type:ciba"};
  doc["acr_values_supported"] = {"0", "1"};
  doc["response_types_supported"] = {"code",           "none",          "id_token",   "token",
                                     "id_token token", "code id_token", "code token", "code id_token token"};
  doc["subject_types_supported"] = {"public", "pairwise"};
  doc["prompt_values_supported"] = {"none", "login", "consent"};
  doc["id_token_signing_alg_values_supported"] = algs;
  doc["id_token_encryption_alg_values_supported"] = {
      "ECDH-ES+A256KW", "ECDH-ES+A192KW", "ECDH-ES+A128KW", "RSA-OAEP", "RSA-OAEP-256", "RSA1_5", "ECDH-ES"};
  doc["id_token_encryption_enc_values_supported"] = {"A256GCM",       "A192GCM",       "A128GCM",
                                                     "A128CBC-HS256", "A192CBC-HS384", "A256CBC-HS512"};
  doc["userinfo_signing_alg_values_supported"] = algs;
  doc["request_object_signing_alg_values_supported"] = algs;
  doc["response_modes_supported"] = {"query",        "fragment",      "form_post", "query.jwt",
                                     "fragment.jwt", "form_post.jwt", "jwt"};
  doc["registration_endpoint"] = issuer + "/clients-registrations/openid-connect";
  doc["token_endpoint_auth_methods_supported"] = auth_methods;
  doc["token_endpoint_auth_signing_alg_values_supported"] = algs;
  doc["introspection_endpoint_auth_methods_supported"] = auth_methods;
  doc["introspection_endpoint_auth_signing_alg_values_supported"] = algs;
  doc["authorization_signing_alg_values_supported"] = algs;
  doc["claims_supported"] = {"aud",   "sub",        "iss",         "auth_time",
                             "name",  "given_name", "family_name", "preferred_username",
                             "email", "acr"};
  doc["claim_types_supported"] = {"normal"};
  doc["claims_parameter_supported"] = true;
  doc["scopes_supported"] = {"openid", "web-origins",    "acr",          "profile",
                             "roles",  "basic",          "email",        "address",
                             "phone",  "offline_access", "organization", "microprofile-jwt"};
  doc["request_parameter_supported"] = true;
  doc["request_uri_parameter_supported"] = true;
  doc["require_request_uri_registration"] = true;
  doc["code_challenge_methods_supported"] = {"plain", "S256"};
  doc["tls_client_certificate_bound_access_tokens"] = true;
  // The proof algorithms the stand-in verifies (Keycloak lists every asymmetric one it has).
  doc["dpop_signing_alg_values_supported"] = {"ES256", "RS256"};
  doc["revocation_endpoint"] = oidc + "/revoke";
  doc["revocation_endpoint_auth_methods_supported"] = auth_methods;
  doc["backchannel_logout_supported"] = true;
  doc["backchannel_logout_session_supported"] = true;
  doc["device_authorization_endpoint"] = oidc + "/auth/device";
  doc["backchannel_token_delivery_modes_supported"] = {"poll", "ping"};
  doc["backchannel_authentication_endpoint"] = oidc + "/ext/ciba/auth";
  doc["require_pushed_authorization_requests"] = false;
  doc["pushed_authorization_request_endpoint"] = oidc + "/ext/par/request";
  doc["authorization_response_iss_parameter_supported"] = true;
  return doc;
}

nlohmann::ordered_json jwks(const Realm& realm) {
  std::vector<const RealmKey*> keys;
  for (const auto& key : realm.keys) {
    if (key.is_rsa() && key.spec.enabled) keys.push_back(&key);
  }
  std::stable_sort(keys.begin(), keys.end(),
                   [](const RealmKey* a, const RealmKey* b) { return a->spec.priority > b->spec.priority; });
  nlohmann::ordered_json out;
  out["keys"] = nlohmann::ordered_json::array();
  for (const auto* key : keys) out["keys"].push_back(public_jwk(*key));
  return out;
}

nlohmann::ordered_json realm_info(const Realm& realm, const std::string& issuer) {
  nlohmann::ordered_json info;
  info["realm"] = realm.name;
  const RealmKey* key = realm.active_key("RS256");
  info["public_key"] = key != nullptr ? key->public_key_b64 : "";
  info["token-service"] = issuer + "/protocol/openid-connect";
  info["account-service"] = issuer + "/account";
  info["tokens-not-before"] = realm.not_before;
  return info;
}

}  // namespace mcph::mock_keycloak
