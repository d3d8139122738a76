#include "tool_scope_fit.h"

#include <set>

#include "mcph/harness/stack/service_table.h"

namespace mcph::harness {

std::optional<std::string> write_scope_missing(const Scenario& scenario, const StackFile& stack,
                                               const ServersCalled& servers_called) {
  if (!scenario.needs_write_scope) return std::nullopt;
  std::set<std::string> without;
  for (const Step& step : scenario.steps) {
    for (const std::string& server : servers_named(servers_called, step)) {
      const auto entry = stack.services.find(server);
      const ServiceRow* row = find_service_row(server);
      if (entry == stack.services.end() || !row || !row->mcp_server()) continue;
      if (entry->second.mcp.write_scope.empty()) without.insert(server);
    }
  }
  if (without.empty()) return std::nullopt;
  std::string names;
  for (const auto& server : without) names += (names.empty() ? "" : ", ") + server;
  return "not run: its cases are about a scope of a tool's own, and the stack file names none for " + names +
         " (services.<name>.write_scope)";
}

}  // namespace mcph::harness
