#pragma once
// --protocol, the same at every reference MCP server: the eras of MCP it serves on /mcp
// (lib/mcp's ServerOptions::era). A name lib/mcp does not know ends the process with a usage
// error (exit status 2) naming the choices.
#include "mcph/cli/flags.h"
#include "mcph/mcp/server.h"

namespace mcph::servers {

void declare_protocol_flag(cli::Flags& flags);
void apply_protocol_flag(const cli::Flags& flags, mcp::ServerOptions& options);

}  // namespace mcph::servers
