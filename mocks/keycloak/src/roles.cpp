#include "roles.h"

#include <vector>

namespace mcph::mock_keycloak {
namespace {

void expand(const Realm& realm, const std::string& name, std::set<std::string>& out) {
  if (!out.insert(name).second) return;
  auto it = realm.roles.find(name);
  if (it == realm.roles.end()) return;
  for (const auto& composite : it->second.composites) expand(realm, composite, out);
}

}  // namespace

std::set<std::string> effective_realm_roles(const Realm& realm, const User& user) {
  std::set<std::string> roles;
  expand(realm, realm.default_role(), roles);
  for (const auto& role : user.realm_roles) expand(realm, role, roles);
  for (const auto& group_id : user.group_ids) {
    std::string current = group_id;
    for (int depth = 0; !current.empty() && depth < 64; ++depth) {
      auto it = realm.groups.find(current);
      if (it == realm.groups.end()) break;
      for (const auto& role : it->second.realm_roles) expand(realm, role, roles);
      current = it->second.parent_id;
    }
  }
  return roles;
}

const std::vector<std::string>& default_account_roles() {
  static const std::vector<std::string> roles{"manage-account", "manage-account-links", "view-profile"};
  return roles;
}

}  // namespace mcph::mock_keycloak
