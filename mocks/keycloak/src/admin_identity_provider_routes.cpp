// Admin REST: /admin/realms/{realm}/identity-provider/instances (the spiffe type only).
#include "admin_common.h"
#include "errors.h"
#include "identity_providers.h"

namespace mcph::mock_keycloak {
namespace {

using http::Request;
using http::Response;

IdentityProvider& provider_or_404(Realm& realm, const std::string& alias) {
  auto it = realm.identity_providers.find(alias);
  if (it == realm.identity_providers.end()) throw plain_error(404, "HTTP 404 Not Found");
  return it->second;
}

void list_providers(Realm& realm, const Request&, Response& response) {
  nlohmann::ordered_json providers = nlohmann::ordered_json::array();
  for (const auto& [alias, provider] : realm.identity_providers) providers.push_back(identity_provider_rep(provider));
  write_json(response, 200, providers);
}

void create_provider(const State& state, Realm& realm, const Request& request, Response& response) {
  IdentityProvider provider = identity_provider_from_rep(json_body(request));
  if (realm.identity_providers.count(provider.alias) != 0) {
    throw error_message(409, "Identity Provider " + provider.alias + " already exists");
  }
  const std::string alias = provider.alias;
  realm.identity_providers.emplace(alias, std::move(provider));
  response.status = 201;
  response.set_header("Location", admin_location(state, realm, "/identity-provider/instances/" + alias));
}

void get_provider(Realm& realm, const Request& request, Response& response) {
  write_json(response, 200, identity_provider_rep(provider_or_404(realm, request.captures.at(0))));
}

void update_provider(Realm& realm, const Request& request, Response& response) {
  IdentityProvider& provider = provider_or_404(realm, request.captures.at(0));
  nlohmann::json rep = json_body(request);
  rep["alias"] = provider.alias;  // renaming is not supported by the stand-in
  rep["internalId"] = provider.internal_id;
  if (!rep.contains("providerId")) rep["providerId"] = provider.provider_id;
  provider = identity_provider_from_rep(rep);
  response.status = 204;
}

void delete_provider(Realm& realm, const Request& request, Response& response) {
  provider_or_404(realm, request.captures.at(0));
  realm.identity_providers.erase(request.captures.at(0));
  response.status = 204;
}

}  // namespace

void add_admin_identity_provider_routes(http::Server& server, State& state) {
  const std::string base = "/identity-provider/instances";
  realm_admin_route(server, state, "GET", base, list_providers);
  realm_admin_route(server, state, "POST", base, with_state(state, create_provider));
  realm_admin_route(server, state, "GET", base + "/([^/]+)", get_provider);
  realm_admin_route(server, state, "PUT", base + "/([^/]+)", update_provider);
  realm_admin_route(server, state, "DELETE", base + "/([^/]+)", delete_provider);
}

}  // namespace mcph::mock_keycloak
