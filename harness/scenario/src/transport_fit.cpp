#include "transport_fit.h"

#include "mcph/harness/stack/protocol_era.h"
#include "mcph/harness/stack/target_profile.h"

namespace mcph::harness::scenario {

std::optional<std::string> transport_mismatch(const Scenario& scenario, const stack::StackFile& stack,
                                              const ServersCalled& servers_called) {
  if (!scenario.transport) return std::nullopt;
  std::string reasons;
  for (const std::string& server : mcp_servers_called(scenario, stack, servers_called)) {
    const stack::TargetProfile profile = stack::target_profile(stack.services.at(server), server);
    if (profile.transport == scenario.transport) continue;
    // The reference servers serve HTTP+SSE at /sse beside their own transport (the sse step goes
    // there), unless they serve the modern era alone, which has no such stream.
    const bool modern_only = stack::protocol_era(stack.services.at(server), server) == mcp::Era::modern;
    if (scenario.transport == mcp::Transport::sse && profile.name == "reference" && !modern_only) continue;
    reasons += (reasons.empty() ? "" : "; ") + server + " speaks " + std::string(mcp::to_string(profile.transport)) +
               (modern_only ? " of MCP 2026-07-28 alone (services." + server + ".protocol modern)"
                            : " (services." + server + ".transport, profile " + profile.name + ")");
  }
  if (reasons.empty()) return std::nullopt;
  return "not applicable: its cases are " + std::string(mcp::to_string(*scenario.transport)) + "'s: " + reasons;
}

std::optional<std::string> era_mismatch(const Scenario& scenario, const stack::StackFile& stack,
                                        const ServersCalled& servers_called) {
  if (!scenario.legacy_era_only) return std::nullopt;
  std::string servers;
  for (const std::string& server : mcp_servers_called(scenario, stack, servers_called)) {
    if (stack::protocol_era(stack.services.at(server), server) != mcp::Era::modern) continue;
    servers += (servers.empty() ? "" : ", ") + server;
  }
  if (servers.empty()) return std::nullopt;
  return "not applicable: its cases are the legacy era's (initialize, sessions, batches), which MCP 2026-07-28 "
         "removed, and " + servers + " serve" + (servers.find(',') == std::string::npos ? "s" : "") +
         " 2026-07-28 alone (services.<name>.protocol modern)";
}

}  // namespace mcph::harness::scenario
