#pragma once
// A user's effective realm roles: direct mappings, the realm's default role, the roles of the
// user's groups and their parents, with composites expanded.
#include <set>
#include <string>

#include "model.h"

namespace mcph::mock_keycloak {

std::set<std::string> effective_realm_roles(const Realm& realm, const User& user);
// The account client roles every user holds through default-roles-<realm>.
const std::vector<std::string>& default_account_roles();

}  // namespace mcph::mock_keycloak
