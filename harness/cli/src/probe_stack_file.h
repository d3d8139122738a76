#pragma once
// The starting stack file `mcp-harness probe` writes from what it found: an external stack with
// one entry for the probed server, holding each value it discovered, preceded by comment lines
// (`// found: …`, `// GUESS: …`, `// unknown: …`) that say where each came from and what is
// still to be filled in by hand. The stack-file parser skips the comments.
#include <string>
#include <vector>

#include "mcph/harness/scenario/target_probe.h"

namespace mcph::harness::cli {

struct ProbedStack {
  std::string text;                   // the file
  std::vector<std::string> unknowns;  // what it could not tell (the probe's and the file's own)
};

// `name`: the entry's name in the file.
ProbedStack probed_stack_file(const scenario::ProbeFacts& facts, const std::string& name);

}  // namespace mcph::harness::cli
