#include "keycloak_operator.h"

#include <stdexcept>

namespace mcph::harness::scenario {

provision::KeycloakAdmin keycloak_operator(const stack::StackFile& stack) {
  const stack::ServiceEntry* keycloak = stack.find_service("keycloak");
  if (keycloak == nullptr) {
    throw std::runtime_error("the stack has no Keycloak: its identity provider cannot be changed through Keycloak's admin API");
  }
  return provision::KeycloakAdmin(keycloak->url, keycloak->idp.user(), keycloak->idp.password());
}

void enable_users_again(const stack::StackFile& stack, std::set<std::string>& user_ids) {
  if (user_ids.empty()) return;
  std::string failed;
  try {
    provision::KeycloakAdmin admin = keycloak_operator(stack);
    for (auto it = user_ids.begin(); it != user_ids.end();) {
      try {
        admin.set_user_enabled(stack.realm, *it, true);
        it = user_ids.erase(it);
      } catch (const std::exception& e) {
        failed += (failed.empty() ? "" : "; ") + std::string(e.what());
        ++it;
      }
    }
  } catch (const std::exception& e) {
    failed = e.what();
  }
  if (!failed.empty()) throw std::runtime_error("enabling the users a step disabled again: " + failed);
}

}  // namespace mcph::harness::scenario
