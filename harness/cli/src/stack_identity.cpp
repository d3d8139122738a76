#include "stack_identity.h"

namespace mcph::harness::cli {

std::string identity_provider_of(const stack::StackFile& stack) {
  return stack.find_service(stack.identity_provider().service()) ? to_string(stack.idp) : "";
}

}  // namespace mcph::harness::cli
