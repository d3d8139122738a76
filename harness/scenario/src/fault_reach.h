#pragma once
// Whether a scenario's faults reach the servers it calls. A toxic on the fault proxy acts only
// on traffic that passes through the proxy: a server that reaches Vault (or the IdP, PostgreSQL,
// a backend) at its own address never sees it, and a scenario that expects it to would pass or
// fail for nothing. The stack file says which services each MCP server reaches through the
// proxy (services.NAME.behind_fault_proxy: written by the stack for the servers it starts,
// declared by a user for their own); a scenario that calls a server while a proxy fault is on a
// service that server does not reach through the proxy is not run, and says why.
#include <optional>
#include <string>

#include "mcph/harness/scenario/scenario.h"
#include "mcph/harness/stack/stack_file.h"
#include "servers_called.h"

namespace mcph::harness::scenario {

// nullopt when every server called while one of the scenario's proxy faults is on reaches that
// service through the proxy (a backend's http_error needs no proxy); else why the scenario is
// not run, naming each server, the service and the address it must point at. A step whose
// servers cannot be named is left to the run to report.
std::optional<std::string> faults_out_of_reach(const Scenario& scenario, const stack::StackFile& stack,
                                               const ServersCalled& servers_called);

}  // namespace mcph::harness::scenario
