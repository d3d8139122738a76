#pragma once
// Identity providers as Keycloak 26.5's admin API creates and shows them
// (IdentityProviderRepresentation), of the one type the stand-in knows: spiffe.
#include <nlohmann/json.hpp>

#include "model.h"

namespace mcph::mock_keycloak {

inline constexpr const char* kSpiffeProvider = "spiffe";
// The config key of a SPIFFE provider's trust domain (spiffe://<name>), Keycloak 26.5's. Any
// "issuer" is kept: 26.5 matches jwt-bearer assertions' iss to it, which a SPIFFE provider then
// refuses.
inline constexpr const char* kTrustDomainKey = "trustDomain";

nlohmann::ordered_json identity_provider_rep(const IdentityProvider& provider);

// Builds a provider from a representation, with Keycloak's checks and texts: 400 "Invalid
// identity provider id [x]" for a type it does not know, "Invalid trust domain name" unless
// config.trustDomain is spiffe://[a-z0-9.-_]*, "The url [bundleEndpoint] requires secure connections"
// for plain http to a host that is not local (the realm's sslRequired "external"). The caller
// checks the alias is free.
IdentityProvider identity_provider_from_rep(const nlohmann::json& rep);

}  // namespace mcph::mock_keycloak
