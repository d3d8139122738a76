#pragma once
// The users of a Cognito stack, made through the user pool API as any provisioning script would
// (CreateUserPool, CreateUserPoolClient, AdminCreateUser, AdminSetUserPassword): the pool and its
// app client when the target names none, then each fixture user with a permanent password.
#include <functional>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "mcph/harness/idp/identity_provider.h"

namespace mcph::harness::idp {

// Fills each user's id with its sub, and `site.fields` with the pool, its app client and issuer;
// returns the number of objects made. `say` gets one line per object made (never a secret).
// Throws std::runtime_error naming the step and Cognito's error.
int provision_cognito_users(IdentityProviderSite& site, std::vector<provision::ProvisionedUser>& users,
                            const std::function<void(const std::string&)>& say);

// The value of the attribute `name` in a Cognito user's attribute list ([{"Name", "Value"}]);
// "" when it has none.
std::string cognito_attribute(const nlohmann::json& attributes, const std::string& name);

}  // namespace mcph::harness::idp
