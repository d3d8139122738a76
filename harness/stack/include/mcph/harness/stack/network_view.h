#pragma once

#include "mcph/harness/stack/stack_file.h"

namespace mcph::harness::stack {

// The file `up --mode compose` writes beside stack.json: the stack as a container on the stack's
// own network reaches it, for mcp-harness run from such a container (the project's image).
inline constexpr const char* kNetworkStackFileName = "stack.inside.json";

// The stack as a container on its network sees it: each service that has a url_inside (the
// containers' name and port) reached there instead of at its published port; the others as
// they are. Keycloak's tokens keep their issuer (its `issuer`: the realm at its published
// address, which Keycloak names itself by). Paths the file names (Vault's audit log) are
// unchanged: such a container mounts the run directory at the same path.
StackFile seen_from_the_stack_network(StackFile stack);

// Whether the stack has a service reached differently from its network (a compose stack).
bool has_network_view(const StackFile& stack);

}  // namespace mcph::harness::stack
