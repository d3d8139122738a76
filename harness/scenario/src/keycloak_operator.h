#pragma once
// The stack's Keycloak as its operator changes it, through the admin REST API (the same on
// mock-keycloak and on Keycloak): for the idp steps, and for undoing what they changed.
#include <set>
#include <string>

#include "mcph/harness/provision/keycloak_admin.h"
#include "mcph/harness/stack/stack_file.h"

namespace mcph::harness::scenario {

// A fresh admin login to the stack's Keycloak (the master realm's admin tokens live a minute).
// Throws std::runtime_error when the stack has no Keycloak.
provision::KeycloakAdmin keycloak_operator(const stack::StackFile& stack);

// Enables each user of `user_ids` again, removing it from the set as it goes. Throws
// std::runtime_error naming the users it could not enable.
void enable_users_again(const stack::StackFile& stack, std::set<std::string>& user_ids);

}  // namespace mcph::harness::scenario
