#pragma once
// Where an authorization server publishes its metadata, by its issuer identifier: RFC 8414 §3.1
// inserts the well-known suffix between the host and the issuer's path; OpenID Connect Discovery
// §4 appends it to the issuer.
#include <string>

namespace mcph::harness {

// https://as.example/tenant → https://as.example/.well-known/oauth-authorization-server/tenant;
// an issuer without a path (or with "/" alone) → https://as.example/.well-known/oauth-authorization-server.
std::string oauth_metadata_url(const std::string& issuer);

// https://as.example/tenant → https://as.example/tenant/.well-known/openid-configuration.
std::string openid_configuration_url(const std::string& issuer);

}  // namespace mcph::harness
