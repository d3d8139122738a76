#pragma once
// Whether a scenario about tools that need a scope of their own applies to the servers it calls.
// Such scopes are a server's choice (MCP authorization asks for them only where a server needs
// more than its audience): a server whose stack entry names no write_scope declares none, and
// failing it would report that choice, not a defect.
#include <optional>
#include <string>

#include "mcph/harness/scenario/scenario.h"
#include "mcph/harness/stack/stack_file.h"
#include "servers_called.h"

namespace mcph::harness::scenario {

// nullopt when the scenario does not need a write scope or every MCP server it calls names one;
// else why it is not run, naming each server that does not.
std::optional<std::string> write_scope_missing(const Scenario& scenario, const stack::StackFile& stack,
                                               const ServersCalled& servers_called);

}  // namespace mcph::harness::scenario
