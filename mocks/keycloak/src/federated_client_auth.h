#pragma once
// Keycloak 26.5's federated client authentication (preview features client-auth-federated and
// spiffe): a client whose clientAuthenticatorType is federated-jwt authenticates with a JWT-SVID
// of the SPIFFE identity provider its attribute jwt.credential.issuer names, its SPIFFE ID being
// the client's attribute jwt.credential.sub:
//   client_assertion_type=urn:ietf:params:oauth:client-assertion-type:jwt-spiffe
//   client_assertion=<JWT-SVID>
// Verification needs the provider's bundle, fetched without the state lock: bundle_request()
// names it under the lock, the caller fetches it (BundleKeyCache), and
// authenticate_federated_client() checks the assertion under the lock again.
#include <cstdint>
#include <optional>
#include <string>

#include "mcph/http/message.h"
#include "mcph/jose/jwk.h"
#include "mcph/mock_keycloak/mock_keycloak.h"
#include "model.h"

namespace mcph::mock_keycloak {

inline constexpr std::string_view kJwtSpiffeAssertion = "urn:ietf:params:oauth:client-assertion-type:jwt-spiffe";

// True when the form carries a client assertion (of any type): the client-assertion path
// authenticates the request, not client_id and a secret.
bool has_client_assertion(const http::Fields& form);

// The bundle a SPIFFE assertion of this form is to be verified with, when the form carries one
// whose sub is the SPIFFE ID of a federated-jwt client of a SPIFFE provider with a bundle
// endpoint; nullopt otherwise (the assertion then fails without a fetch).
struct BundleRequest {
  std::string cache_key;  // realm id + provider internal id
  std::string endpoint;
  std::string kid;
};
std::optional<BundleRequest> bundle_request(const Realm& realm, const http::Fields& form);

// The client the assertion authenticates. Throws KeycloakError with Keycloak 26.5.6's answers:
// 401 invalid_client "Invalid client or Invalid client credentials" when no federated client
// is identified or the SVID does not verify (another assertion type, a self-signed assertion,
// an unknown SPIFFE ID, a disabled client, a provider that is missing, disabled or of another
// trust domain, a bad signature or an unknown kid); 400 invalid_client with the validator's text for an SVID that verified but
// is not acceptable ("Invalid token audience", "Multiple audiences not allowed", "Token is not
// active", "client_id parameter does not match sub claim", …). bundle: the provider's keys
// (null when there are none). now: seconds since the epoch. unsafe: the checks a sabotage
// switch removes.
Client& authenticate_federated_client(Realm& realm, const http::Fields& form, const std::string& realm_issuer,
                                      const jose::JwkSet* bundle, std::int64_t now,
                                      const UnsafeFederatedAuth& unsafe = {});

}  // namespace mcph::mock_keycloak
