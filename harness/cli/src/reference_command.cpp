// mcp-harness reference: prints the scenario-format reference (step kinds, expectation kinds and
// their fields) as Markdown, generated from the tables the loader and the runner use. The
// checked-in docs/scenario-reference.md is this output; a test fails when it is stale.
#include <cstdio>
#include <cstring>

#include "commands.h"
#include "mcph/harness/scenario/scenario_reference.h"

namespace mcph::harness::cli {

int reference_command(int argc, char** argv) {
  if (argc == 2 && (std::strcmp(argv[1], "--help") == 0 || std::strcmp(argv[1], "-h") == 0)) {
    std::printf("Usage: %s\nPrints the scenario-format reference (step kinds, expectation kinds) as Markdown.\n"
                "  %s > docs/scenario-reference.md   brings the checked-in copy up to date\n",
                argv[0], argv[0]);
    return 0;
  }
  if (argc != 1) {
    std::fprintf(stderr, "%s: takes no arguments (try --help)\n", argv[0]);
    return 2;
  }
  const std::string reference = scenario_reference();
  std::fwrite(reference.data(), 1, reference.size(), stdout);
  return 0;
}

}  // namespace mcph::harness::cli
