#pragma once
// The era of MCP a target speaks over Streamable HTTP: the stack entry's `protocol` key
// (docs/target-profiles.md). legacy: initialize and a session, as every server before 2026-07-28;
// modern: 2026-07-28 alone, each request self-contained; dual: both, the client trying a modern
// request first and falling back to initialize. Absent: legacy, as the harness has always spoken
// (a dual server serves it too). The era names are the MCP client's own (mcp::parse_era).
#include <string>

#include "mcph/harness/stack/stack_file.h"
#include "mcph/mcp/client.h"

namespace mcph::harness::stack {

// The entry's era, legacy when it names none. Throws std::runtime_error naming the key
// (services.<name>.protocol) for a name mcp::parse_era does not know.
mcp::Era protocol_era(const ServiceEntry& entry, const std::string& name);

}  // namespace mcph::harness::stack
