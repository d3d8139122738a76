// Admin REST: realm roles (/roles, /roles-by-id) and groups (/groups), enough for the realm-role
// and group-membership protocol mappers.
#include <algorithm>

#include "admin_common.h"
#include "errors.h"
#include "json_fields.h"
#include "representations.h"
#include "role_homes.h"

namespace mcph::mock_keycloak {
namespace {

using http::Request;
using http::Response;

Group new_group(const Realm& realm, const nlohmann::json& rep, const std::string& parent_id) {
  Group group;
  group.id = random_uuid();
  group.name = get_string(rep, "name").value_or("");
  if (group.name.empty()) throw error_message(400, "Group name is missing");
  group.parent_id = parent_id;
  if (const auto attributes = get_attributes(rep, "attributes")) group.attributes = *attributes;
  for (const auto& [id, other] : realm.groups) {
    if (other.parent_id == parent_id && other.name == group.name) {
      throw error_message(409, parent_id.empty()
                                   ? "Top level group named '" + group.name + "' already exists."
                                   : "Sibling group named '" + group.name + "' already exists.");
    }
  }
  return group;
}

void list_roles(Realm& realm, const Request&, Response& response) {
  nlohmann::ordered_json roles = nlohmann::ordered_json::array();
  for (const auto& [name, role] : realm.roles) roles.push_back(role_rep(realm, role, false));
  write_json(response, 200, roles);
}

void create_role(const State& state, Realm& realm, const Request& request, Response& response) {
  const auto rep = json_body(request);
  Role role;
  role.id = random_uuid();
  role.name = get_string(rep, "name").value_or("");
  if (role.name.empty()) throw error_message(400, "Role name is missing");
  if (realm.roles.count(role.name))
    throw error_message(409, "Role with name " + role.name + " already exists");
  role.description = get_string(rep, "description").value_or("");
  if (const auto attributes = get_attributes(rep, "attributes")) role.attributes = *attributes;
  const std::string name = role.name;
  realm.roles.emplace(name, std::move(role));
  response.status = 201;
  response.set_header("Location", admin_location(state, realm, "/roles/" + name));
}

void get_role(Realm& realm, const Request& request, Response& response) {
  write_json(response, 200, role_rep(realm, role_in(realm_home(realm), request.captures.at(0))));
}

void put_role(Realm& realm, const Request& request, Response& response) {
  update_role(realm, realm_home(realm), role_in(realm_home(realm), request.captures.at(0)).name, json_body(request));
  response.status = 204;
}

void delete_role(Realm& realm, const Request& request, Response& response) {
  remove_role(realm, realm_home(realm), role_in(realm_home(realm), request.captures.at(0)).name);
  response.status = 204;
}

// The users a realm role is mapped to directly (brief representations).
void list_role_users(Realm& realm, const Request& request, Response& response) {
  const std::string name = role_in(realm_home(realm), request.captures.at(0)).name;
  nlohmann::ordered_json users = nlohmann::ordered_json::array();
  for (const auto& [id, user] : realm.users) {
    if (user.realm_roles.count(name)) users.push_back(user_rep(user, UserView::brief));
  }
  write_json(response, 200, users);
}

// /roles-by-id/{id}: realm and client roles alike.
void get_role_by_id(Realm& realm, const Request& request, Response& response) {
  write_json(response, 200, role_rep(realm, *role_by_id(realm, request.captures.at(0)).first));
}

void put_role_by_id(Realm& realm, const Request& request, Response& response) {
  const auto [role, home] = role_by_id(realm, request.captures.at(0));
  update_role(realm, home, role->name, json_body(request));
  response.status = 204;
}

void delete_role_by_id(Realm& realm, const Request& request, Response& response) {
  const auto [role, home] = role_by_id(realm, request.captures.at(0));
  remove_role(realm, home, role->name);
  response.status = 204;
}

void list_groups(Realm& realm, const Request&, Response& response) {
  nlohmann::ordered_json groups = nlohmann::ordered_json::array();
  for (const auto& [id, group] : realm.groups) {
    if (group.parent_id.empty()) groups.push_back(group_rep(realm, group, true));
  }
  write_json(response, 200, groups);
}

void create_group(const State& state, Realm& realm, const Request& request, Response& response) {
  Group group = new_group(realm, json_body(request), "");
  const std::string id = group.id;
  realm.groups.emplace(id, std::move(group));
  response.status = 201;
  response.set_header("Location", admin_location(state, realm, "/groups/" + id));
}

void create_child_group(const State& state, Realm& realm, const Request& request, Response& response) {
  const Group& parent = group_or_404(realm, request.captures.at(0));
  Group group = new_group(realm, json_body(request), parent.id);
  const std::string id = group.id;
  const Group& stored = realm.groups.emplace(id, std::move(group)).first->second;
  write_json(response, 201, group_rep(realm, stored, false));
  response.set_header("Location", admin_location(state, realm, "/groups/" + id));
}

// PUT /groups/{id}: name and attributes (a sibling may not have the name).
void update_group(Realm& realm, const Request& request, Response& response) {
  Group& group = group_or_404(realm, request.captures.at(0));
  const auto rep = json_body(request);
  const std::string name = get_string(rep, "name").value_or("");
  if (name.empty()) throw error_message(400, "Group name is missing");
  for (const auto& [id, other] : realm.groups) {
    if (id != group.id && other.parent_id == group.parent_id && other.name == name) {
      throw error_message(409, "Sibling group named '" + name + "' already exists.");
    }
  }
  group.name = name;
  if (const auto attributes = get_attributes(rep, "attributes")) group.attributes = *attributes;
  response.status = 204;
}

void get_group(Realm& realm, const Request& request, Response& response) {
  write_json(response, 200, group_rep(realm, group_or_404(realm, request.captures.at(0)), true));
}

// The group and its whole subtree go, and with them every membership.
void delete_group(Realm& realm, const Request& request, Response& response) {
  std::set<std::string> doomed{group_or_404(realm, request.captures.at(0)).id};
  for (bool grew = true; grew;) {
    grew = false;
    for (const auto& [id, group] : realm.groups) {
      if (doomed.count(group.parent_id) && doomed.insert(id).second) grew = true;
    }
  }
  for (const auto& id : doomed) realm.groups.erase(id);
  for (auto& [id, user] : realm.users) {
    for (const auto& group_id : doomed) user.group_ids.erase(group_id);
  }
  response.status = 204;
}

void list_group_members(Realm& realm, const Request& request, Response& response) {
  const Group& group = group_or_404(realm, request.captures.at(0));
  nlohmann::ordered_json members = nlohmann::ordered_json::array();
  for (const auto& [id, user] : realm.users) {
    if (user.group_ids.count(group.id)) members.push_back(user_rep(user, UserView::brief));
  }
  write_json(response, 200, members);
}

}  // namespace

void add_admin_group_role_routes(http::Server& server, State& state) {
  const std::string group = "/groups/([^/]+)";
  realm_admin_route(server, state, "GET", "/roles", list_roles);
  realm_admin_route(server, state, "POST", "/roles", with_state(state, create_role));
  realm_admin_route(server, state, "GET", "/roles/([^/]+)", get_role);
  realm_admin_route(server, state, "PUT", "/roles/([^/]+)", put_role);
  realm_admin_route(server, state, "DELETE", "/roles/([^/]+)", delete_role);
  realm_admin_route(server, state, "GET", "/roles/([^/]+)/users", list_role_users);
  realm_admin_route(server, state, "GET", "/roles-by-id/([^/]+)", get_role_by_id);
  realm_admin_route(server, state, "PUT", "/roles-by-id/([^/]+)", put_role_by_id);
  realm_admin_route(server, state, "DELETE", "/roles-by-id/([^/]+)", delete_role_by_id);
  realm_admin_route(server, state, "GET", "/groups", list_groups);
  realm_admin_route(server, state, "POST", "/groups", with_state(state, create_group));
  realm_admin_route(server, state, "GET", group, get_group);
  realm_admin_route(server, state, "PUT", group, update_group);
  realm_admin_route(server, state, "DELETE", group, delete_group);
  realm_admin_route(server, state, "POST", group + "/children", with_state(state, create_child_group));
  realm_admin_route(server, state, "GET", group + "/members", list_group_members);
}

}  // namespace mcph::mock_keycloak
