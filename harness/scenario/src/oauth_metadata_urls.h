#pragma once
// Where an authorization server publishes its metadata, by its issuer identifier: RFC 8414 §3.1
// inserts the well-known suffix between the host and the issuer's path; OpenID Connect Discovery
// §4 appends it to the issuer. And where an MCP client looks for a protected resource's
// metadata (RFC 9728 §3.1, the same insertion).
#include <string>
#include <string_view>
#include <vector>

namespace mcph::harness::scenario {

// https://as.example/tenant → https://as.example/.well-known/oauth-authorization-server/tenant;
// an issuer without a path (or with "/" alone) → https://as.example/.well-known/oauth-authorization-server.
std::string oauth_metadata_url(const std::string& issuer);

// https://as.example/tenant → https://as.example/tenant/.well-known/openid-configuration.
std::string openid_configuration_url(const std::string& issuer);

// The `resource_metadata` parameter of a WWW-Authenticate challenge ("" when it has none).
std::string resource_metadata_param(std::string_view challenge);
// Any auth-param of a challenge by its lower-case name (realm, scope, error), unquoted; "" when absent.
std::string challenge_param(std::string_view challenge, std::string_view name);

// Where an MCP client looks for the metadata of the resource at `resource_url`, in the order it
// tries them: the challenge's `resource_metadata` when it names one, then the path form
// (https://rs.example/.well-known/oauth-protected-resource/mcp), then the root form
// (https://rs.example/.well-known/oauth-protected-resource); each once.
std::vector<std::string> protected_resource_metadata_urls(const std::string& resource_url, std::string_view challenge);

}  // namespace mcph::harness::scenario
