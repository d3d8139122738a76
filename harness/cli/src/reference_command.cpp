// mcp-harness reference: prints the scenario-format reference (step kinds, expectation kinds and
// their fields) as Markdown, generated from the tables the loader and the runner use; with
// --families, the families table of docs/families.md, made from the scenario files' headers.
// The checked-in copies are this output; tests fail when they are stale.
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <string>

#include "commands.h"
#include "mcph/cli/flags.h"
#include "mcph/harness/fixtures/data_layout.h"
#include "mcph/harness/fixtures/text_file.h"
#include "mcph/harness/scenario/family_table.h"
#include "mcph/harness/scenario/scenario_loader.h"
#include "mcph/harness/scenario/scenario_reference.h"

namespace mcph::harness::cli {
namespace {

void usage(const char* program) {
  std::printf(
      "Usage: %s [--families [--scenarios DIR] [--write PAGE]]\n"
      "Prints the scenario-format reference (step kinds, expectation kinds) as Markdown.\n"
      "  %s > docs/scenario-reference.md   brings the checked-in copy up to date\n"
      "  --families       prints the table of scenario files (family, ctest labels, stacks, how they run,\n"
      "                   scenarios) made from their headers instead\n"
      "  --scenarios DIR  the scenario files to read (default: the harness's own)\n"
      "  --write PAGE     replaces the table between the markers of PAGE instead of printing it:\n"
      "                   %s --families --write docs/families.md\n",
      program, program, program);
}

int families(const std::string& scenarios, const std::string& page, const char* program) {
  std::string table;
  try {
    table = scenario::family_table(scenario::load_scenario_dir(scenarios.empty() ? fixtures::data_dir(fixtures::DataDir::scenarios) : std::filesystem::path(scenarios)));
  } catch (const std::exception& e) {
    std::fprintf(stderr, "%s: %s\n", program, e.what());
    return 1;
  }
  if (page.empty()) {
    std::fwrite(table.data(), 1, table.size(), stdout);
    return 0;
  }
  const auto document = fixtures::read_text_file(page);
  if (!document) {
    std::fprintf(stderr, "%s: cannot read %s\n", program, page.c_str());
    return 1;
  }
  std::string updated;
  try {
    updated = scenario::with_family_table(*document, table);
  } catch (const std::exception& e) {
    std::fprintf(stderr, "%s: %s: %s\n", program, page.c_str(), e.what());
    return 1;
  }
  std::ofstream out(page, std::ios::binary | std::ios::trunc);
  out << updated;
  if (!out.flush()) {
    std::fprintf(stderr, "%s: cannot write %s\n", program, page.c_str());
    return 1;
  }
  std::fprintf(stderr, "%s: %s: the families table is up to date\n", program, page.c_str());
  return 0;
}

}  // namespace

int reference_command(int argc, char** argv) {
  bool want_families = false;
  std::string scenarios;
  std::string page;
  for (int i = 1; i < argc; ++i) {
    const std::string argument = argv[i];
    const bool has_value = i + 1 < argc;
    if (argument == "--help" || argument == "-h") {
      usage(argv[0]);
      return 0;
    } else if (argument == "--families") {
      want_families = true;
    } else if (argument == "--scenarios" && has_value) {
      scenarios = argv[++i];
    } else if (argument == "--write" && has_value) {
      page = argv[++i];
    } else {
      return mcph::cli::print_usage_error(argv[0], "unknown argument '" + argument + "', or a value is missing");
    }
  }
  if (!want_families && (!scenarios.empty() || !page.empty())) {
    return mcph::cli::print_usage_error(argv[0], "--scenarios and --write go with --families");
  }
  if (want_families) return families(scenarios, page, argv[0]);
  const std::string reference = scenario::scenario_reference();
  std::fwrite(reference.data(), 1, reference.size(), stdout);
  return 0;
}

}  // namespace mcph::harness::cli
