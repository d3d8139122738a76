#pragma once
// An OpenID provider's discovery document (<issuer>/.well-known/openid-configuration): where its
// tokens are issued and its keys published, and the issuer its tokens carry, which must be the
// issuer the stack file names (else tokens would be trusted from, or checked against, another).
#include <string>

namespace mcph::harness::idp {

struct OidcDiscovery {
  std::string issuer;
  std::string token_endpoint;
  std::string jwks_uri;
};

// The document `body` (answered with HTTP `status`) for `issuer`. Throws std::runtime_error
// naming what is wrong: not answered 200, not JSON, a field missing, another issuer.
OidcDiscovery parse_discovery(const std::string& issuer, int status, const std::string& body);

// Fetched from the issuer. Throws std::runtime_error as parse_discovery does, or when the issuer
// does not answer.
OidcDiscovery discover(const std::string& issuer);

}  // namespace mcph::harness::idp
