#pragma once
// The child the process tests start: `sh -c SCRIPT`.
#include <string>

#include "mcph/proc/child_process.h"

namespace mcph::proc::testing {

inline SpawnOptions shell(std::string script) {
  SpawnOptions options;
  options.name = "sh-test";
  options.argv = {"sh", "-c", std::move(script)};
  return options;
}

}  // namespace mcph::proc::testing
