// Admin REST: /admin/realms/{realm}/client-scopes, and the default and optional client scopes of
// a client (/clients/{id}/default-client-scopes, /clients/{id}/optional-client-scopes).
#include <algorithm>

#include "admin_common.h"
#include "errors.h"
#include "json_fields.h"
#include "representations.h"

namespace mcph::mock_keycloak {
namespace {

using http::Request;
using http::Response;

nlohmann::ordered_json client_scope_rep(const ClientScope& scope) {
  nlohmann::ordered_json rep;
  rep["id"] = scope.id;
  rep["name"] = scope.name;
  if (!scope.description.empty()) rep["description"] = scope.description;
  rep["protocol"] = scope.protocol;
  rep["attributes"] = nlohmann::ordered_json::object();
  for (const auto& [key, value] : scope.attributes) rep["attributes"][key] = value;
  if (!scope.mappers.empty()) {
    rep["protocolMappers"] = nlohmann::ordered_json::array();
    for (const auto& mapper : scope.mappers) rep["protocolMappers"].push_back(mapper_rep(mapper));
  }
  return rep;
}

ClientScope& scope_or_404(Realm& realm, const std::string& id) {
  ClientScope* scope = realm.find_client_scope(id);
  if (scope == nullptr) throw plain_error(404, "Could not find client scope");
  return *scope;
}

void apply_client_scope_rep(ClientScope& scope, const nlohmann::json& rep) {
  if (const auto name = get_string(rep, "name")) scope.name = *name;
  if (const auto description = get_string(rep, "description")) scope.description = *description;
  if (const auto protocol = get_string(rep, "protocol")) scope.protocol = *protocol;
  if (const auto attributes = get_string_map(rep, "attributes")) scope.attributes = *attributes;
}

void list_client_scopes(Realm& realm, const Request&, Response& response) {
  std::vector<const ClientScope*> scopes;
  for (const auto& [id, scope] : realm.client_scopes) scopes.push_back(&scope);
  std::sort(scopes.begin(), scopes.end(), [](const ClientScope* a, const ClientScope* b) { return a->name < b->name; });
  nlohmann::ordered_json out = nlohmann::ordered_json::array();
  for (const ClientScope* scope : scopes) out.push_back(client_scope_rep(*scope));
  write_json(response, 200, out);
}

void create_client_scope(const State& state, Realm& realm, const Request& request, Response& response) {
  const auto rep = json_body(request);
  ClientScope scope;
  scope.id = get_string(rep, "id").value_or(random_uuid());
  apply_client_scope_rep(scope, rep);
  if (scope.name.empty()) throw error_message(400, "Client Scope name is missing");
  if (realm.find_client_scope_by_name(scope.name) != nullptr) {
    throw error_message(409, "Client Scope " + scope.name + " already exists");
  }
  if (const auto mappers = rep.find("protocolMappers"); mappers != rep.end() && mappers->is_array()) {
    for (const auto& mapper : *mappers) scope.mappers.push_back(mapper_from_rep(mapper));
  }
  response.status = 201;
  response.set_header("Location", admin_location(state, realm, "/client-scopes/" + scope.id));
  realm.client_scopes.emplace(scope.id, std::move(scope));
}

void get_client_scope(Realm& realm, const Request& request, Response& response) {
  write_json(response, 200, client_scope_rep(scope_or_404(realm, request.captures.at(0))));
}

void update_client_scope(Realm& realm, const Request& request, Response& response) {
  ClientScope& scope = scope_or_404(realm, request.captures.at(0));
  apply_client_scope_rep(scope, json_body(request));
  response.status = 204;
}

void delete_client_scope(Realm& realm, const Request& request, Response& response) {
  const ClientScope& scope = scope_or_404(realm, request.captures.at(0));
  const std::string name = scope.name;
  for (auto& [id, client] : realm.clients) {
    std::erase(client.default_client_scopes, name);
    std::erase(client.optional_client_scopes, name);
  }
  realm.client_scopes.erase(scope.id);
  response.status = 204;
}

// The client's default or optional scopes, as Keycloak lists them: [{id, name}].
std::vector<std::string>& client_scope_list(Client& client, bool optional) {
  return optional ? client.optional_client_scopes : client.default_client_scopes;
}

void list_client_client_scopes(Realm& realm, const Request& request, Response& response, bool optional) {
  Client& client = client_or_404(realm, request.captures.at(0));
  nlohmann::ordered_json out = nlohmann::ordered_json::array();
  for (const auto& name : client_scope_list(client, optional)) {
    const ClientScope* scope = realm.find_client_scope_by_name(name);
    if (scope != nullptr) out.push_back({{"id", scope->id}, {"name", scope->name}});
  }
  write_json(response, 200, out);
}

// PUT: attach (idempotent; a scope is either default or optional for a client); DELETE: detach.
void change_client_client_scope(Realm& realm, const Request& request, Response& response, bool optional, bool add) {
  Client& client = client_or_404(realm, request.captures.at(0));
  const ClientScope* scope = realm.find_client_scope(request.captures.at(1));
  if (scope == nullptr) throw plain_error(404, "Client scope not found");
  std::erase(client.default_client_scopes, scope->name);
  std::erase(client.optional_client_scopes, scope->name);
  if (add) client_scope_list(client, optional).push_back(scope->name);
  response.status = 204;
}

}  // namespace

void add_admin_client_scope_routes(http::Server& server, State& state) {
  const std::string scope = "/client-scopes/([^/]+)";
  realm_admin_route(server, state, "GET", "/client-scopes", list_client_scopes);
  realm_admin_route(server, state, "POST", "/client-scopes", with_state(state, create_client_scope));
  realm_admin_route(server, state, "GET", scope, get_client_scope);
  realm_admin_route(server, state, "PUT", scope, update_client_scope);
  realm_admin_route(server, state, "DELETE", scope, delete_client_scope);
  for (const bool optional : {false, true}) {
    const std::string list = std::string("/clients/([^/]+)/") + (optional ? "optional" : "default") + "-client-scopes";
    realm_admin_route(server, state, "GET", list, [optional](Realm& realm, const Request& request, Response& response) {
      list_client_client_scopes(realm, request, response, optional);
    });
    for (const bool add : {true, false}) {
      realm_admin_route(server, state, add ? "PUT" : "DELETE", list + "/([^/]+)",
                        [optional, add](Realm& realm, const Request& request, Response& response) {
                          change_client_client_scope(realm, request, response, optional, add);
                        });
    }
  }
}

}  // namespace mcph::mock_keycloak
