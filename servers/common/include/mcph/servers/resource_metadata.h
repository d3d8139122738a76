#pragma once
// RFC 9728 protected resource metadata, as the MCP authorization spec asks every server to
// publish: where a client gets tokens for the server's /mcp and with which scopes. A 401's
// WWW-Authenticate names its URL (resource_metadata=, broker::bearer_challenge).
#include <string>
#include <vector>

#include "mcph/http/server.h"

namespace mcph::servers {

struct ProtectedResource {
  std::string name;                                // resource_name
  std::string public_url;                          // the URL clients reach the server at; the resource is <public_url>/mcp
  std::vector<std::string> authorization_servers;  // issuer identifiers; may be empty (RFC 9728 §2: optional)
  std::vector<std::string> scopes;                 // scopes_supported
  std::vector<std::string> dpop_signing_algs;      // dpop_signing_alg_values_supported; empty: none
};

// <public_url>/.well-known/oauth-protected-resource
std::string resource_metadata_url(const std::string& public_url);

// Serves the document at /.well-known/oauth-protected-resource and at its /mcp form (RFC 9728
// §3.1: the resource's path appended). `resource` is read at each request: it must outlive the
// server, and be complete before the server starts serving (http::serve_until_signal's
// on_started is the place to set the bound URL).
void serve_protected_resource_metadata(http::Server& http, const ProtectedResource& resource);

}  // namespace mcph::servers
