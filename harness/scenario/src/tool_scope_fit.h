#pragma once
// Whether a scenario about a server's own choices applies to the servers it calls: tools that need
// a scope of their own (MCP authorization asks for them only where a server needs more than its
// audience), a scope that implies another (a hierarchy is the server's to define), or serving only
// some clients' users (OAuth asks a resource server to check the audience; a list of clients is a
// deployment's choice). A server whose stack entry names no write_scope, broader_scope or clients
// declares none, and failing it would report that choice, not a defect.
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

// The same for a scenario about a scope hierarchy (`needs_broader_scope`).
std::optional<std::string> broader_scope_missing(const Scenario& scenario, const stack::StackFile& stack,
                                                 const ServersCalled& servers_called);

// The same for a scenario about tokens of clients a server does not serve (`needs_clients`).
std::optional<std::string> clients_missing(const Scenario& scenario, const stack::StackFile& stack,
                                           const ServersCalled& servers_called);

}  // namespace mcph::harness::scenario
