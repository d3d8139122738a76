#include "mcph/harness/stack/protocol_era.h"

#include <stdexcept>

namespace mcph::harness {

std::string protocol_era(const ServiceEntry& entry, const std::string& name) {
  const std::string& era = entry.mcp.protocol;
  if (era.empty()) return "legacy";
  if (era != "modern" && era != "legacy" && era != "dual") {
    throw std::runtime_error("services." + name + ".protocol must be one of " + std::string(kProtocolEras) +
                             ", not \"" + era + "\"");
  }
  return era;
}

}  // namespace mcph::harness
