// Admin REST: client roles (/clients/{id}/roles) and users' mappings to them
// (/users/{id}/role-mappings/clients/{client}), with the whole role-mapping view of a user
// (/users/{id}/role-mappings). Tokens carry them in resource_access (token_claims.cpp).
#include "admin_common.h"
#include "errors.h"
#include "json_fields.h"
#include "representations.h"
#include "role_homes.h"

namespace mcph::mock_keycloak {
namespace {

using http::Request;
using http::Response;

nlohmann::ordered_json role_list(const Realm& realm, const std::map<std::string, Role>& roles,
                                 const std::set<std::string>& names) {
  nlohmann::ordered_json out = nlohmann::ordered_json::array();
  for (const auto& name : names) {
    if (auto it = roles.find(name); it != roles.end()) out.push_back(role_rep(realm, it->second, false));
  }
  return out;
}

void list_client_roles(Realm& realm, const Request& request, Response& response) {
  const Client& client = client_or_404(realm, request.captures.at(0));
  nlohmann::ordered_json out = nlohmann::ordered_json::array();
  for (const auto& [name, role] : client.roles) out.push_back(role_rep(realm, role, false));
  write_json(response, 200, out);
}

void create_client_role(const State& state, Realm& realm, const Request& request, Response& response) {
  Client& client = client_or_404(realm, request.captures.at(0));
  const auto rep = json_body(request);
  Role role;
  role.id = random_uuid();
  role.name = get_string(rep, "name").value_or("");
  if (role.name.empty()) throw plain_error(400, "role has no name");
  if (client.roles.count(role.name)) throw error_message(409, "Role with name " + role.name + " already exists");
  role.description = get_string(rep, "description").value_or("");
  if (const auto attributes = get_attributes(rep, "attributes")) role.attributes = *attributes;
  role.client_uuid = client.id;
  const std::string name = role.name;
  client.roles.emplace(name, std::move(role));
  response.status = 201;
  response.set_header("Location", admin_location(state, realm, "/clients/" + client.id + "/roles/" + name));
}

void get_client_role(Realm& realm, const Request& request, Response& response) {
  Client& client = client_or_404(realm, request.captures.at(0));
  write_json(response, 200, role_rep(realm, role_in(client_home(client), request.captures.at(1))));
}

void put_client_role(Realm& realm, const Request& request, Response& response) {
  Client& client = client_or_404(realm, request.captures.at(0));
  const RoleHome home = client_home(client);
  update_role(realm, home, role_in(home, request.captures.at(1)).name, json_body(request));
  response.status = 204;
}

void delete_client_role(Realm& realm, const Request& request, Response& response) {
  Client& client = client_or_404(realm, request.captures.at(0));
  const RoleHome home = client_home(client);
  remove_role(realm, home, role_in(home, request.captures.at(1)).name);
  response.status = 204;
}

void list_client_role_users(Realm& realm, const Request& request, Response& response) {
  Client& client = client_or_404(realm, request.captures.at(0));
  const std::string name = role_in(client_home(client), request.captures.at(1)).name;
  nlohmann::ordered_json users = nlohmann::ordered_json::array();
  for (const auto& [id, user] : realm.users) {
    const auto mapped = user.client_roles.find(client.id);
    if (mapped != user.client_roles.end() && mapped->second.count(name)) users.push_back(user_rep(user, UserView::brief));
  }
  write_json(response, 200, users);
}

// The client roles a body of RoleRepresentations names: each by name with a matching id, as
// Keycloak checks them, else 404 "Role not found" before anything changes.
std::vector<std::string> named_client_roles(const Client& client, const Request& request) {
  const auto reps = json_body(request, true);
  if (!reps.is_array()) throw invalid_json();
  std::vector<std::string> names;
  for (const auto& rep : reps) {
    const auto it = client.roles.find(get_string(rep, "name").value_or(""));
    if (it == client.roles.end() || get_string(rep, "id") != it->second.id) throw plain_error(404, "Role not found");
    names.push_back(it->first);
  }
  return names;
}

void list_user_client_roles(Realm& realm, const Request& request, Response& response) {
  User& user = user_or_404(realm, request.captures.at(0));
  Client& client = client_or_404(realm, request.captures.at(1));
  const auto mapped = user.client_roles.find(client.id);
  write_json(response, 200, role_list(realm, client.roles, mapped == user.client_roles.end() ? std::set<std::string>{} : mapped->second));
}

void add_user_client_roles(Realm& realm, const Request& request, Response& response) {
  User& user = user_or_404(realm, request.captures.at(0));
  Client& client = client_or_404(realm, request.captures.at(1));
  const auto names = named_client_roles(client, request);
  user.client_roles[client.id].insert(names.begin(), names.end());
  response.status = 204;
}

void remove_user_client_roles(Realm& realm, const Request& request, Response& response) {
  User& user = user_or_404(realm, request.captures.at(0));
  Client& client = client_or_404(realm, request.captures.at(1));
  auto& mapped = user.client_roles[client.id];
  for (const auto& name : named_client_roles(client, request)) mapped.erase(name);
  if (mapped.empty()) user.client_roles.erase(client.id);
  response.status = 204;
}

// {"realmMappings":[…], "clientMappings":{clientId:{id, client, mappings}}}; each part only when
// the user has such mappings (every user holds the realm's default role).
void list_user_role_mappings(Realm& realm, const Request& request, Response& response) {
  User& user = user_or_404(realm, request.captures.at(0));
  std::set<std::string> realm_names = user.realm_roles;
  realm_names.insert(realm.default_role());
  nlohmann::ordered_json out;
  out["realmMappings"] = role_list(realm, realm.roles, realm_names);
  nlohmann::ordered_json clients = nlohmann::ordered_json::object();
  for (const auto& [uuid, names] : user.client_roles) {
    const Client* client = realm.find_client(uuid);
    if (client == nullptr || names.empty()) continue;
    clients[client->client_id] = {{"id", client->id}, {"client", client->client_id},
                                  {"mappings", role_list(realm, client->roles, names)}};
  }
  if (!clients.empty()) out["clientMappings"] = clients;
  write_json(response, 200, out);
}

}  // namespace

void add_admin_client_role_routes(http::Server& server, State& state) {
  const std::string roles = "/clients/([^/]+)/roles";
  realm_admin_route(server, state, "GET", roles, list_client_roles);
  realm_admin_route(server, state, "POST", roles, with_state(state, create_client_role));
  realm_admin_route(server, state, "GET", roles + "/([^/]+)", get_client_role);
  realm_admin_route(server, state, "PUT", roles + "/([^/]+)", put_client_role);
  realm_admin_route(server, state, "DELETE", roles + "/([^/]+)", delete_client_role);
  realm_admin_route(server, state, "GET", roles + "/([^/]+)/users", list_client_role_users);
  const std::string mappings = "/users/([^/]+)/role-mappings";
  realm_admin_route(server, state, "GET", mappings, list_user_role_mappings);
  realm_admin_route(server, state, "GET", mappings + "/clients/([^/]+)", list_user_client_roles);
  realm_admin_route(server, state, "POST", mappings + "/clients/([^/]+)", add_user_client_roles);
  realm_admin_route(server, state, "DELETE", mappings + "/clients/([^/]+)", remove_user_client_roles);
}

}  // namespace mcph::mock_keycloak
