#pragma once
// The command line of agent-bridge-mcp: its flags, and the settings they make. A bad
// combination ends the process with a usage error (exit status 2).
#include <memory>
#include <string>

#include "kv_tools.h"
#include "mcph/agent_bridge/agent_identity.h"
#include "mcph/agent_bridge/agents_file.h"
#include "mcph/agent_bridge/authorization_server.h"
#include "mcph/cli/flags.h"
#include "mcph/http/server.h"

namespace mcph::agent_bridge {

[[noreturn]] void usage_error(const std::string& message);
void declare_flags(cli::Flags& flags);
// How agents are identified. With the flags of an authorization server of its own, that server
// is made into `authorization` and mounted on `http`.
IdentitySettings identity_settings(const cli::Flags& flags, const AgentsFile& agents,
                                   std::unique_ptr<AuthorizationServer>& authorization, http::Server& http);
KvSettings kv_settings(const cli::Flags& flags);

}  // namespace mcph::agent_bridge
