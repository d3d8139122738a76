#pragma once
// The identity provider a run's reports name: the stack's, when the stack has one.
#include <string>

#include "mcph/harness/stack/stack_file.h"

namespace mcph::harness::cli {

// "keycloak" or "cognito" when the stack has that service; "" for a stack without one (a server
// whose agents authenticate by API key or certificate), whatever its `idp` key defaults to.
std::string identity_provider_of(const stack::StackFile& stack);

}  // namespace mcph::harness::cli
