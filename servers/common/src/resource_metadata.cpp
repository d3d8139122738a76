#include "mcph/servers/resource_metadata.h"

#include <nlohmann/json.hpp>

#include "mcph/http/json.h"

namespace mcph::servers {

std::string resource_metadata_url(const std::string& public_url) {
  return public_url + "/.well-known/oauth-protected-resource";
}

void serve_protected_resource_metadata(http::Server& http, const ProtectedResource& resource) {
  http.route("GET", "/.well-known/oauth-protected-resource(/mcp)?", [&resource](const http::Request&, http::Response& res) {
    nlohmann::json document = {{"resource", resource.public_url + "/mcp"},
                               {"bearer_methods_supported", nlohmann::json::array({"header"})},
                               {"scopes_supported", resource.scopes},
                               {"resource_name", resource.name}};
    if (!resource.authorization_servers.empty()) document["authorization_servers"] = resource.authorization_servers;
    if (!resource.dpop_signing_algs.empty()) {
      document["dpop_signing_alg_values_supported"] = resource.dpop_signing_algs;
      document["dpop_bound_access_tokens_required"] = false;  // bearer tokens are taken too
    }
    http::set_json(res, 200, document);
  });
}

}  // namespace mcph::servers
