#include "transport_fit.h"

#include "mcph/harness/stack/target_profile.h"

namespace mcph::harness {

std::optional<std::string> transport_mismatch(const Scenario& scenario, const StackFile& stack,
                                              const ServersCalled& servers_called) {
  if (scenario.transport.empty()) return std::nullopt;
  std::string reasons;
  for (const std::string& server : mcp_servers_called(scenario, stack, servers_called)) {
    const TargetProfile profile = target_profile(stack.services.at(server), server);
    if (profile.transport == scenario.transport) continue;
    // The reference servers serve HTTP+SSE at /sse beside their own transport (the sse step goes there).
    if (scenario.transport == "sse" && profile.name == "reference") continue;
    reasons += (reasons.empty() ? "" : "; ") + server + " speaks " + profile.transport + " (services." + server +
               ".transport, profile " + profile.name + ")";
  }
  if (reasons.empty()) return std::nullopt;
  return "not applicable: its cases are " + scenario.transport + "'s: " + reasons;
}

}  // namespace mcph::harness
