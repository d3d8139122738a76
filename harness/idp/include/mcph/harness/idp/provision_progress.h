#pragma once
// A line of provisioning progress, for a caller that asked for them (ProvisionOptions::progress).
#include <string>

#include "mcph/harness/provision/provision.h"

namespace mcph::harness::idp {

inline void say(const provision::ProvisionOptions& options, const std::string& line) {
  if (options.progress) options.progress(line);
}

}  // namespace mcph::harness::idp
