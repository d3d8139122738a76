#include "tool_scope_fit.h"

#include <set>

namespace mcph::harness::scenario {
namespace {

// Not applicable when an MCP server the scenario calls lacks what its cases are `about` (`lacks`):
// the reason names those servers alphabetically and the stack file's key.
std::optional<std::string> servers_without(const Scenario& scenario, const stack::StackFile& stack,
                                           const ServersCalled& servers_called, bool (*lacks)(const stack::McpServerFields&),
                                           const std::string& about, const std::string& key) {
  std::set<std::string> without;  // sorted: the reason names them alphabetically
  for (const std::string& server : mcp_servers_called(scenario, stack, servers_called)) {
    if (lacks(stack.services.at(server).mcp)) without.insert(server);
  }
  if (without.empty()) return std::nullopt;
  std::string names;
  for (const auto& server : without) names += (names.empty() ? "" : ", ") + server;
  return "not applicable: its cases are about " + about + ", and the stack file names none for " + names +
         " (services.<name>." + key + ")";
}

}  // namespace

std::optional<std::string> write_scope_missing(const Scenario& scenario, const stack::StackFile& stack,
                                               const ServersCalled& servers_called) {
  if (!scenario.needs_write_scope) return std::nullopt;
  return servers_without(
      scenario, stack, servers_called, [](const stack::McpServerFields& mcp) { return mcp.write_scope.empty(); },
      "a scope of a tool's own", "write_scope");
}

std::optional<std::string> broader_scope_missing(const Scenario& scenario, const stack::StackFile& stack,
                                                 const ServersCalled& servers_called) {
  if (!scenario.needs_broader_scope) return std::nullopt;
  return servers_without(
      scenario, stack, servers_called, [](const stack::McpServerFields& mcp) { return mcp.broader_scope.empty(); },
      "a scope that implies another", "broader_scope");
}

std::optional<std::string> clients_missing(const Scenario& scenario, const stack::StackFile& stack,
                                           const ServersCalled& servers_called) {
  if (!scenario.needs_clients) return std::nullopt;
  return servers_without(
      scenario, stack, servers_called, [](const stack::McpServerFields& mcp) { return mcp.clients.empty(); },
      "tokens of clients a server does not serve", "clients");
}

}  // namespace mcph::harness::scenario
