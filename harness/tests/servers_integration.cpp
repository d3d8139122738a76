#include "servers_integration.h"

namespace mcph::harness::servers_test {

stack::LocalStack* ServersIntegration::stack_ = nullptr;

}  // namespace mcph::harness::servers_test
