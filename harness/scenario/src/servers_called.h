#pragma once
// How the runner's pre-checks (fault_reach.h, transport_fit.h, tool_scope_fit.h) learn which MCP
// servers a step calls, without knowing how steps address them: StepExecutor::servers_called.
#include <functional>
#include <stdexcept>
#include <string>
#include <vector>

#include "mcph/harness/scenario/scenario.h"
#include "mcph/harness/stack/stack_file.h"

namespace mcph::harness::scenario {

// The MCP servers (stack names) a step calls; throws std::runtime_error for one the stack lacks.
using ServersCalled = std::function<std::vector<std::string>(const Step&)>;

// The servers `step` calls; none when it names one the stack lacks: the step reports that itself
// when it runs, and a pre-check has nothing to say about it.
inline std::vector<std::string> servers_named(const ServersCalled& servers_called, const Step& step) {
  try {
    return servers_called(step);
  } catch (const std::runtime_error&) {
    return {};
  }
}

// The MCP servers of `stack` (its entries whose service-table row is an MCP server) that the
// steps of `scenario` call, each once, in the order they are first called.
std::vector<std::string> mcp_servers_called(const Scenario& scenario, const stack::StackFile& stack,
                                            const ServersCalled& servers_called);

}  // namespace mcph::harness::scenario
