#include "tool_scope_fit.h"

#include <set>

namespace mcph::harness::scenario {

std::optional<std::string> write_scope_missing(const Scenario& scenario, const stack::StackFile& stack,
                                               const ServersCalled& servers_called) {
  if (!scenario.needs_write_scope) return std::nullopt;
  std::set<std::string> without;  // sorted: the reason names them alphabetically
  for (const std::string& server : mcp_servers_called(scenario, stack, servers_called)) {
    if (stack.services.at(server).mcp.write_scope.empty()) without.insert(server);
  }
  if (without.empty()) return std::nullopt;
  std::string names;
  for (const auto& server : without) names += (names.empty() ? "" : ", ") + server;
  return "not applicable: its cases are about a scope of a tool's own, and the stack file names none for " + names +
         " (services.<name>.write_scope)";
}

}  // namespace mcph::harness::scenario
