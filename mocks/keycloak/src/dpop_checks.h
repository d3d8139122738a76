#pragma once
// DPoP (RFC 9449) as Keycloak 26.5 checks it (feature dpop, on by default; DPoPUtil: a proof
// lives 10 s, clocks may be 15 s apart, no DPoP-Nonce is handed out), on lib/jose's verifier.
#include <optional>
#include <string>

#include "mcph/http/message.h"
#include "mcph/jose/dpop.h"
#include "model.h"

namespace mcph::mock_keycloak {

// The token endpoint: without a DPoP header, nullopt (a bearer token is issued) unless the client
// requires DPoP (its attribute dpop.bound.access.tokens); with one, the thumbprint of the proof's
// key, the proof made for POST to token_endpoint_url. A missing or bad proof is KeycloakError 400
// invalid_request with Keycloak's text ("DPoP proof is missing", "DPoP HTTP method mismatch", …).
std::optional<std::string> token_request_dpop_key(const http::Request& request, const Client& client,
                                                  const std::string& token_endpoint_url,
                                                  jose::DpopReplayCache& replay_cache);

// A resource request with "Authorization: DPoP <token>": true when its DPoP header is a proof
// for this method and URL, with the token's ath, by the key of the token's cnf.jkt.
bool resource_request_proof_fits(const http::Request& request, const std::string& url, const std::string& access_token,
                                 const std::string& jkt, jose::DpopReplayCache& replay_cache);

// The WWW-Authenticate value of a refused DPoP resource request.
std::string dpop_challenge(const Realm& realm, const std::string& error, const std::string& description);

}  // namespace mcph::mock_keycloak
