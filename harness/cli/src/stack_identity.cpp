#include "stack_identity.h"

#include "mcph/harness/stack/service_table.h"

namespace mcph::harness::cli {

std::string identity_provider_of(const StackFile& stack) {
  return stack.find_service(identity_provider_service(stack.idp)) ? to_string(stack.idp) : "";
}

}  // namespace mcph::harness::cli
