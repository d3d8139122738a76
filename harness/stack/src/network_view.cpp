#include "mcph/harness/stack/network_view.h"

#include <algorithm>

namespace mcph::harness::stack {

StackFile seen_from_the_stack_network(StackFile stack) {
  for (auto& [name, entry] : stack.services) {
    if (entry.url_inside.empty()) continue;
    // Keycloak names itself by the address the harness reaches it at from outside (compose.yaml's
    // --hostname), wherever it is asked from: that stays its tokens' issuer.
    if (name == "keycloak" && entry.idp.issuer.empty()) entry.idp.issuer = entry.url + "/realms/" + stack.realm;
    entry.url = entry.url_inside;
  }
  return stack;
}

bool has_network_view(const StackFile& stack) {
  return std::any_of(stack.services.begin(), stack.services.end(),
                     [](const auto& service) { return !service.second.url_inside.empty(); });
}

}  // namespace mcph::harness::stack
