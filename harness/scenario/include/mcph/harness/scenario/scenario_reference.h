#pragma once
// The scenario-format reference (docs/scenario-reference.md), generated from the table of step
// kinds and the table of expectation kinds, so that it says what the loader accepts and the
// runner checks, and nothing else. `mcp-harness reference` prints it.
#include <string>

namespace mcph::harness::scenario {

// The reference as Markdown.
std::string scenario_reference();

}  // namespace mcph::harness::scenario
