#pragma once
// Which scenarios `mcp-harness run` runs (and `run --list` shows): the scenario files given or
// every scenarios/*.yaml, narrowed by --family and by --scenario patterns. A pattern with a
// glob character (* ? [) must match a scenario's whole name; any other pattern is a substring.
// Both ignore case.
#include <stdexcept>
#include <string>
#include <vector>

#include "mcph/harness/scenario/scenario.h"

namespace mcph::harness::cli {

struct Selection {
  std::vector<scenario::ScenarioFile> files;             // the files with at least one selected scenario
  std::vector<std::vector<std::string>> only;  // per file: the selected names (all of them when no pattern)
  std::size_t scenario_count() const;
};

// Throws SelectionError with a message for the user: a file that cannot be read (and why), a
// family no file has (listing the families there are), a pattern that matches nothing.
struct SelectionError : std::runtime_error {
  using std::runtime_error::runtime_error;
};

Selection select_scenarios(const std::vector<std::string>& files, const std::vector<std::string>& families,
                           const std::vector<std::string>& patterns);

// True when `file` is of `family` as --family names it: its family or its suite, in any case,
// with '-', '_' and ' ' alike.
bool of_family(const scenario::ScenarioFile& file, const std::string& family);

// True when `name` is selected by `pattern` (the rule above).
bool scenario_matches(const std::string& pattern, const std::string& name);

}  // namespace mcph::harness::cli
