#include "role_homes.h"

#include <algorithm>

#include "errors.h"
#include "json_fields.h"

namespace mcph::mock_keycloak {

RoleHome realm_home(Realm& realm) { return RoleHome{&realm.roles, ""}; }

RoleHome client_home(Client& client) { return RoleHome{&client.roles, client.id}; }

std::set<std::string>& user_mappings(User& user, const RoleHome& home) {
  return home.client_uuid.empty() ? user.realm_roles : user.client_roles[home.client_uuid];
}

Role& role_in(const RoleHome& home, const std::string& name) {
  auto it = home.roles->find(name);
  if (it == home.roles->end()) throw plain_error(404, "Could not find role");
  return it->second;
}

std::pair<Role*, RoleHome> role_by_id(Realm& realm, const std::string& id) {
  for (auto& [name, role] : realm.roles) {
    if (role.id == id) return {&role, realm_home(realm)};
  }
  for (auto& [uuid, client] : realm.clients) {
    for (auto& [name, role] : client.roles) {
      if (role.id == id) return {&role, client_home(client)};
    }
  }
  throw plain_error(404, "Could not find role with id");
}

void update_role(Realm& realm, const RoleHome& home, std::string current, const nlohmann::json& rep) {
  const auto name = get_string(rep, "name");
  // Keycloak 26.5 fails on a representation without a name (a NullPointerException).
  if (!name) {
    throw KeycloakError(500, {{"error", "unknown_error"},
                              {"error_description", "For more on this error consult the server log."}});
  }
  if (*name != current && home.roles->count(*name)) throw oauth_error(409, "conflict", "Duplicate resource error");
  auto node = home.roles->extract(current);
  Role& role = node.mapped();
  role.description = get_string(rep, "description").value_or("");
  if (const auto attributes = get_attributes(rep, "attributes")) role.attributes = *attributes;
  if (*name != current) {
    role.name = *name;
    node.key() = *name;
    auto rename = [&](std::set<std::string>& names) {
      if (names.erase(current)) names.insert(*name);
    };
    for (auto& [id, user] : realm.users) {
      if (home.client_uuid.empty() || user.client_roles.count(home.client_uuid)) rename(user_mappings(user, home));
    }
    if (home.client_uuid.empty()) {
      for (auto& [id, group] : realm.groups) rename(group.realm_roles);
      for (auto& [other_name, other] : realm.roles) std::replace(other.composites.begin(), other.composites.end(), current, *name);
      std::replace(role.composites.begin(), role.composites.end(), current, *name);
    }
  }
  home.roles->insert(std::move(node));
}

void remove_role(Realm& realm, const RoleHome& home, std::string name) {
  if (home.client_uuid.empty() && name == realm.default_role()) {
    throw error_message(400, "You cannot delete a default realm role");
  }
  home.roles->erase(name);
  for (auto& [id, user] : realm.users) {
    if (home.client_uuid.empty() || user.client_roles.count(home.client_uuid)) user_mappings(user, home).erase(name);
  }
  if (home.client_uuid.empty()) {
    for (auto& [id, group] : realm.groups) group.realm_roles.erase(name);
    for (auto& [role_name, role] : realm.roles) std::erase(role.composites, name);
  }
}

}  // namespace mcph::mock_keycloak
