#pragma once
// What an `oauth` step saw of an authorization server, for its expectations (oauth_checks.h):
// what the target's profile says the server is, its metadata and JWKS as fetched, and, by the
// request, the token answer's claims, each client authentication method's result or each forged
// token's answer. No secret is kept here.
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

namespace mcph::harness::scenario {

struct OAuthObservation {
  std::string request;  // metadata, jwks, token, auth_methods, forge

  // What the target's profile says.
  std::string issuer;     // auth.client_credentials.issuer
  std::string token_url;  // auth.client_credentials.token_url
  std::string audience;   // auth.client_credentials.audience ("" when not given)
  std::string client_id;  // the agent's client
  std::vector<std::string> client_scopes;  // the agent's scopes (fixtures/agents)

  // The metadata (RFC 8414, at oauth_metadata_url(issuer)), else the OpenID configuration; and
  // the OpenID configuration itself when served. Null when not fetched or
  // not JSON; the status 0 when not fetched.
  int metadata_status = 0;
  nlohmann::json metadata;
  int openid_status = 0;
  nlohmann::json openid_configuration;
  // The JWKS at the metadata's jwks_uri.
  int jwks_status = 0;
  nlohmann::json jwks;

  // token: how the request authenticated (client_secret_basic, client_secret_post, none, both),
  // and the claims of the access token that came back (null: none, or not a JWT).
  std::string client_auth;
  nlohmann::json claims;
  long long requested_at = 0;  // seconds since the epoch

  // auth_methods: each advertised method, whether the harness could present it, and its answer.
  struct MethodResult {
    std::string method;
    bool tried = false;
    int status = 0;
    std::string error;  // the answer's OAuth error, "" when none
    bool token = false;
  };
  std::vector<MethodResult> methods;

  // forge: each forged token, how it was made, and the target's answer to it.
  struct Forgery {
    std::string made;  // "RS256 with the private members published for kid …"
    int status = 0;
  };
  std::vector<Forgery> forgeries;
};

}  // namespace mcph::harness::scenario
