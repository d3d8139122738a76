#pragma once
// A reference MCP server of a test's own beside a stack's, started as a user starts their own
// server against a stack: the stack's issuer and client, and its services at their own addresses
// (`url` in the stack file) or at the fault proxy's (`url_for_servers`).
#include <memory>
#include <string>
#include <vector>

#include "mcph/harness/stack/stack_file.h"
#include "mcph/harness/stack/supervised_stack.h"
#include "mcph/proc/service.h"

namespace mcph::harness::scenario {

enum class ServerRoute { direct, through_fault_proxy };

// `name`: jira-mcp, github-mcp or postgres-mcp; `flags` are added to its command line (an
// --audience for its tokens to be accepted: the stack's server's resource URL). Throws when the
// stack has no url_for_servers for a service and the route goes through the proxy.
proc::StartedService start_own_server(const stack::StackFile& stack, const std::string& name, ServerRoute route,
                                      std::vector<std::string> flags = {});

// A stack of its own with a Cognito user pool as its identity provider and the Cognito family's
// two generated users (user0001, user0002); its MCP servers serving `protocol`'s era ("": their own).
std::unique_ptr<stack::SupervisedStack> start_cognito_stack(const std::string& protocol = "");

}  // namespace mcph::harness::scenario
