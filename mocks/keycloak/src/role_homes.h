#pragma once
// Where a role lives — the realm's roles or one client's — and what naming, renaming and removing
// a role there does to the users, groups and composites that refer to it. Shared by the realm
// role routes (/roles, /roles-by-id) and the client role routes (/clients/{id}/roles).
#include <map>
#include <set>
#include <string>

#include <nlohmann/json.hpp>

#include "model.h"

namespace mcph::mock_keycloak {

struct RoleHome {
  std::map<std::string, Role>* roles;
  std::string client_uuid;  // empty: the realm's own roles
};

RoleHome realm_home(Realm& realm);
RoleHome client_home(Client& client);

// A user's direct mappings to the roles of `home` (names).
std::set<std::string>& user_mappings(User& user, const RoleHome& home);

// 404 {"error":"Could not find role"} when `home` has no role of that name.
Role& role_in(const RoleHome& home, const std::string& name);
// Among the realm's and every client's roles; 404 {"error":"Could not find role with id"}.
std::pair<Role*, RoleHome> role_by_id(Realm& realm, const std::string& id);

// PUT of a RoleRepresentation: name, description and attributes; a new name carries every
// mapping and composite along (409 when taken, 500 for none, as Keycloak 26.5 answers).
void update_role(Realm& realm, const RoleHome& home, std::string current, const nlohmann::json& rep);
// The role goes, and every mapping of it (400 for the realm's default role).
// `name` by value: callers pass the role's own name, which the erase frees.
void remove_role(Realm& realm, const RoleHome& home, std::string name);

}  // namespace mcph::mock_keycloak
