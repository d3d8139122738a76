#include "servers_integration.h"

namespace mcph::harness::servers_test {

LocalStack* ServersIntegration::stack_ = nullptr;

}  // namespace mcph::harness::servers_test
