#pragma once
// What `mcp-harness probe URL` finds out about an MCP server the harness did not write, before a
// stack entry for it exists: its transport and protocol era, its 401 challenge, its protected
// resource metadata (RFC 9728), its authorization servers' metadata (RFC 8414, OpenID Connect
// discovery) and keys, its tools and an OpenAPI document. Each request has a bounded timeout and
// goes only to the probed URL's origin or to a loopback address; what could not be told is kept
// as an unknown, saying why. The token given is sent, never kept in what is returned.
#include <chrono>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "mcph/mcp/client.h"

namespace mcph::harness::scenario {

struct ProbeOptions {
  std::chrono::milliseconds timeout{5000};  // connect and each read, per request
  std::string token;                        // sent as a Bearer credential when not empty
};

// A WWW-Authenticate challenge as the server sent it, and its parts.
struct ProbedChallenge {
  std::string header;  // the whole value
  std::string scheme;  // its first auth-scheme ("Bearer", "DPoP")
  bool dpop = false;   // one of its challenges is DPoP's
  bool well_formed = false;
  std::string realm, resource_metadata, scope, error;
};

// A JWKS: its keys' types and algorithms, and the keys that publish what must stay private.
struct ProbedJwks {
  std::string url;
  int status = 0;
  std::vector<std::string> key_types;
  std::vector<std::string> algs;
  std::vector<std::string> exposed;  // "kid k1 publishes d, p" / "kid k2 publishes kty oct"
};

struct ProbedAuthorizationServer {
  std::string issuer;
  std::string metadata_url;  // where its metadata answered; empty: none did
  std::string skipped;       // why it was not asked (not loopback, not the probed origin)
  std::string token_endpoint;
  std::vector<std::string> grant_types, auth_methods, dpop_algs;
  std::optional<ProbedJwks> jwks;
};

struct ProbedTool {
  std::string name;
  nlohmann::json input_schema;
};

struct ProbeFacts {
  std::string url;
  bool reached = false;
  std::string not_reached;  // the transport error, when nothing answered
  std::optional<mcp::Transport> transport;  // none: not told
  std::optional<mcp::Era> protocol;         // Streamable HTTP only; none: not told
  std::string protocol_version;  // what initialize negotiated
  std::optional<ProbedChallenge> challenge;
  std::string resource_metadata_url;  // where the protected-resource metadata answered
  nlohmann::json resource_metadata;   // null: none found
  std::vector<ProbedAuthorizationServer> authorization_servers;
  std::optional<std::vector<ProbedTool>> tools;
  // A GUESS at its tool map (the stack file's "tools", tool_map.h) from the tools' names and
  // input schemas: the capabilities whose tool it could pick; null when none.
  nlohmann::json tool_map_guess;
  std::string openapi_url;
  nlohmann::json openapi;            // {"title", "version", "paths"}; null: none served
  std::vector<std::string> found;    // what it learnt, one line each
  std::vector<std::string> unknowns; // what it could not tell, and why
};

// Never throws for what the server does; std::invalid_argument for a URL that is not http(s).
ProbeFacts probe_target(const std::string& url, const ProbeOptions& options = {});

// The hosts a probe of `url` may ask: the URL's own origin, or an address on loopback.
bool probe_may_ask(const std::string& probed_url, const std::string& url);

}  // namespace mcph::harness::scenario
