#pragma once
// The warm-path guard's sabotage switch, the same at every reference server:
// --unsafe-slow-warm-path-ms N (or MCPH_UNSAFE_SLOW_WARM_PATH_MS, which a stack's servers inherit)
// makes every MCP request wait N ms before its caller is checked. GET /health does not wait, so
// the warm call grows against that floor and bench/warm_path_guard must go red.
#include "mcph/cli/flags.h"
#include "mcph/mcp/server.h"

namespace mcph::servers {

void declare_slow_warm_path_flag(cli::Flags& flags);
// Makes options.authenticate wait first, as the flag says; leaves it as it is at 0.
void apply_slow_warm_path_flag(const cli::Flags& flags, mcp::ServerOptions& options);

}  // namespace mcph::servers
