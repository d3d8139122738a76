#pragma once
// Whether a stack has what a scenario file says it needs (`needs:`), before any of its
// scenarios run: so that a missing generated user or rate limit is reported as exactly that,
// with the command that starts a stack that has it, and not as a login failure in step 1.
#include <optional>
#include <string>

#include "mcph/harness/scenario/scenario.h"
#include "mcph/harness/stack/stack_file.h"
#include "servers_called.h"
#include "user_directory.h"

namespace mcph::harness::scenario {

// nullopt when the stack has it (or the stack cannot tell: then the scenarios speak for
// themselves), else what is missing and what to do.
std::optional<std::string> unmet_needs(const StackNeeds& needs, const stack::StackFile& stack, UserDirectory& users);

// The services a file or scenario is about (`needs: {services: [agent-bridge-mcp]}`) that the
// stack does not have, or the identity provider it is about (`needs: {idp: cognito}`) when the
// stack has another or none: nullopt when it has them all, else why its scenarios are not run
// (skipped, not failed: a stack without an agent server has nothing for the agent families to test).
std::optional<std::string> services_missing(const ServiceNeeds& needs, const stack::StackFile& stack);
// The file's needs, then the scenario's own.
std::optional<std::string> services_missing(const ScenarioFile& file, const Scenario& scenario, const stack::StackFile& stack);

// The auth modes and capabilities `needs` asks of each of `targets` (stack entry names) that one
// lacks: "not applicable: <the need>, <what the target has>"; nullopt when each has them.
std::optional<std::string> target_lacks(const ServiceNeeds& needs, const std::vector<std::string>& targets,
                                        const stack::StackFile& stack);

// Why `scenario` does not apply to `stack`, so that it is skipped, saying so: a service, identity
// provider, auth mode or capability its file's or its own `needs:` names and the stack lacks (the
// modes and capabilities of the services its needs, or else its file's, name; else of the MCP
// servers it calls), a transport its servers do not speak, faults that would not reach them, a
// write scope none declares. nullopt: it applies.
std::optional<std::string> not_applicable(const ScenarioFile& file, const Scenario& scenario, const stack::StackFile& stack,
                                          const ServersCalled& servers_called);

}  // namespace mcph::harness::scenario
