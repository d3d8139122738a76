// Admin REST: the realms themselves (/admin/realms, /admin/realms/{realm}).
#include "admin_common.h"
#include "errors.h"
#include "json_fields.h"
#include "realm_import.h"
#include "representations.h"

namespace mcph::mock_keycloak {
namespace {

using http::Request;
using http::Response;

KeycloakError realm_conflict() { return error_message(409, "Conflict detected. See logs for details"); }

void list_realms(State& state, const Request& request, Response& response) {
  std::lock_guard lock(state.mutex);
  require_master_admin(authenticate_admin(state, request));
  nlohmann::ordered_json realms = nlohmann::ordered_json::array();
  for (const auto& [name, realm] : state.realms) realms.push_back(realm_rep(*realm));
  write_json(response, 200, realms);
}

// POST /admin/realms: a RealmRepresentation, users and clients included, as Keycloak imports it.
void create_realm(State& state, const Request& request, Response& response) {
  nlohmann::json rep;
  {
    std::lock_guard lock(state.mutex);
    require_master_admin(authenticate_admin(state, request));
    rep = json_body(request);
    const auto name = get_string(rep, "realm");
    if (name && state.find_realm(*name) != nullptr) throw realm_conflict();
  }
  // Building the realm generates an RSA key (~0.1 s): do it without holding the lock.
  auto realm = import_realm(rep);
  std::lock_guard lock(state.mutex);
  if (state.find_realm(realm->name) != nullptr) throw realm_conflict();
  response.status = 201;
  response.set_header("Location", state.base_url() + "/admin/realms/" + realm->name);
  const std::string name = realm->name;
  state.realms.emplace(name, std::move(realm));
}

void get_realm(Realm& realm, const Request&, Response& response) {
  write_json(response, 200, realm_rep(realm));
}

void update_realm(Realm& realm, const Request& request, Response& response) {
  const auto rep = json_body(request);
  if (const auto name = get_string(rep, "realm"); name && *name != realm.name) {
    throw error_message(400, "Renaming realms is not supported by mock-keycloak");
  }
  apply_realm_settings(realm, rep);
  response.status = 204;
}

void delete_realm(State& state, Realm& realm, Response& response) {
  if (realm.name == "master") throw error_message(400, "Cannot delete the master realm");
  const std::string name = realm.name;  // erasing destroys `realm`
  state.realms.erase(name);
  response.status = 204;
}

}  // namespace

void add_admin_routes(http::Server& server, State& state) {
  server.route("GET", "/admin/realms/?", guarded([&state](const Request& request, Response& response) {
                 list_realms(state, request, response);
               }));
  server.route("POST", "/admin/realms/?", guarded([&state](const Request& request, Response& response) {
                 create_realm(state, request, response);
               }));
  realm_admin_route(server, state, "GET", "", get_realm);
  realm_admin_route(server, state, "PUT", "", update_realm);
  realm_admin_route(server, state, "DELETE", "", [&state](Realm& realm, const Request&, Response& response) {
    delete_realm(state, realm, response);
  });
}

}  // namespace mcph::mock_keycloak
