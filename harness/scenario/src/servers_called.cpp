#include "servers_called.h"

#include <algorithm>

#include "mcph/harness/stack/service_table.h"

namespace mcph::harness::scenario {

std::vector<std::string> mcp_servers_called(const Scenario& scenario, const stack::StackFile& stack,
                                            const ServersCalled& servers_called) {
  std::vector<std::string> called;
  for (const Step& step : scenario.steps) {
    for (const std::string& server : servers_named(servers_called, step)) {
      const stack::ServiceRow* row = stack::find_service_row(stack.role_of(server));
      if (!stack.services.contains(server) || !row || !row->mcp_server()) continue;
      if (std::find(called.begin(), called.end(), server) == called.end()) called.push_back(server);
    }
  }
  return called;
}

}  // namespace mcph::harness::scenario
