#include "mcph/servers/protocol_flag.h"

#include <cstdio>
#include <cstdlib>
#include <stdexcept>

namespace mcph::servers {

void declare_protocol_flag(cli::Flags& flags) {
  flags.option("protocol", "dual",
               "the eras of MCP served on /mcp: dual (2026-07-28 and the legacy sessions side by side), modern "
               "(2026-07-28 alone: no initialize, no session, no HTTP+SSE stream) or legacy (sessions alone)");
}

void apply_protocol_flag(const cli::Flags& flags, mcp::ServerOptions& options) {
  try {
    options.era = mcp::parse_era(flags.get("protocol"));
  } catch (const std::invalid_argument& e) {
    std::fprintf(stderr, "--protocol: %s\n", e.what());
    std::exit(2);
  }
}

}  // namespace mcph::servers
