#pragma once
// Whether a scenario's cases apply to the transport and the era of the servers it calls. The protocol
// family's cases (sessions, Accept, 406/415, the protocol-version header, batches) are Streamable
// HTTP's; a server that speaks the legacy `POST /sse` (the original demo's) has none of it, and
// failing it there would report the transport, not a defect. The server's transport is its
// target profile's (services.NAME.transport or the profile's default). The HTTP+SSE cases
// (`transport: sse`) also fit the reference servers, which serve it at /sse beside their own.
#include <optional>
#include <string>

#include "mcph/harness/scenario/scenario.h"
#include "mcph/harness/stack/stack_file.h"
#include "servers_called.h"

namespace mcph::harness::scenario {

// nullopt when the scenario names no transport or every MCP server it calls speaks it; else why
// it is not run, naming each server, its transport and where that is set. A step whose servers
// cannot be named is left to the run to report.
std::optional<std::string> transport_mismatch(const Scenario& scenario, const stack::StackFile& stack,
                                              const ServersCalled& servers_called);

// nullopt when the scenario names no era or no MCP server it calls serves the modern era alone;
// else why it is not run: its cases (initialize, sessions, batches) do not exist in protocol
// 2026-07-28, so such a server has nothing to answer them with, and no defect to show.
std::optional<std::string> era_mismatch(const Scenario& scenario, const stack::StackFile& stack,
                                        const ServersCalled& servers_called);

}  // namespace mcph::harness::scenario
