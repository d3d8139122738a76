#include "mcph/harness/stack/protocol_era.h"

#include <stdexcept>

namespace mcph::harness::stack {

mcp::Era protocol_era(const ServiceEntry& entry, const std::string& name) {
  if (entry.mcp.protocol.empty()) return mcp::Era::legacy;
  try {
    return mcp::parse_era(entry.mcp.protocol);
  } catch (const std::invalid_argument& e) {
    throw std::runtime_error("services." + name + ".protocol: " + e.what());
  }
}

}  // namespace mcph::harness::stack
