#include "transport_fit.h"

#include <set>

#include "mcph/harness/stack/service_table.h"
#include "mcph/harness/stack/target_profile.h"

namespace mcph::harness {

std::optional<std::string> transport_mismatch(const Scenario& scenario, const StackFile& stack,
                                              const ServersCalled& servers_called) {
  if (scenario.transport.empty()) return std::nullopt;
  std::set<std::string> reported;
  std::string reasons;
  for (const Step& step : scenario.steps) {
    for (const std::string& server : servers_named(servers_called, step)) {
      const auto entry = stack.services.find(server);
      const ServiceRow* row = find_service_row(server);
      if (entry == stack.services.end() || !row || !row->mcp_server() || !reported.insert(server).second) continue;
      const TargetProfile profile = target_profile(entry->second, server);
      if (profile.transport == scenario.transport) continue;
      reasons += (reasons.empty() ? "" : "; ") + server + " speaks " + profile.transport + " (services." + server +
                 ".transport, profile " + profile.name + ")";
    }
  }
  if (reasons.empty()) return std::nullopt;
  return "not run: its cases are " + scenario.transport + "'s: " + reasons;
}

}  // namespace mcph::harness
