#pragma once
// The fixture tools the conformance suite's server scenarios call (test_simple_text,
// test_error_handling, test_tool_with_logging, test_tool_with_progress, …) and the resources
// they read (test://static-text, test://template/{id}/data), with the results its checks expect.
#include "mcph/mcp/server.h"

namespace mcph::mcp::conformance {

void add_conformance_tools(Server& server);
void add_conformance_resources(Server& server);

}  // namespace mcph::mcp::conformance
