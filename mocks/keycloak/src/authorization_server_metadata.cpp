// A realm's OAuth 2.0 authorization server metadata (RFC 8414): Keycloak 26 serves its OpenID
// configuration, unchanged, both where RFC 8414 §3.1 puts it for the issuer
// <base>/realms/{realm} (/.well-known/oauth-authorization-server/realms/{realm}) and appended to
// the issuer (/realms/{realm}/.well-known/oauth-authorization-server).
#include "discovery.h"
#include "errors.h"
#include "state.h"

namespace mcph::mock_keycloak {

void add_authorization_server_metadata_routes(http::Server& server, State& state) {
  const auto metadata = guarded([&state](const http::Request& request, http::Response& response) {
    std::lock_guard lock(state.mutex);
    const Realm* realm = state.find_realm(request.captures.at(0));
    if (realm == nullptr) throw plain_error(404, "Realm does not exist");
    write_json(response, 200, openid_configuration(state.issuer(*realm)));
  });
  server.route("GET", "/\\.well-known/oauth-authorization-server/realms/([^/]+)", metadata);
  server.route("GET", "/realms/([^/]+)/\\.well-known/oauth-authorization-server", metadata);
}

}  // namespace mcph::mock_keycloak
