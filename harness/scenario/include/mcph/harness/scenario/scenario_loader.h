#pragma once
// Reads scenarios/*.yaml into the model of scenario.h, checking every key and value on the way:
// a mistake in a scenario file is reported with the file, the line and the field, e.g.
//   scenarios/isolation.yaml:14: steps[2].expect.http_status: expected an integer, got "ok"
#include <filesystem>
#include <stdexcept>
#include <string>
#include <vector>

#include "mcph/harness/scenario/scenario.h"

namespace mcph::harness::scenario {

class ScenarioError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// Throws ScenarioError (unreadable file, YAML syntax, unknown or missing keys, wrong types).
ScenarioFile load_scenario_file(const std::filesystem::path& path);
// The same from text already read (`origin` names it in errors).
ScenarioFile parse_scenario_file(const std::string& text, const std::string& origin);

// The scenario files (*.yaml) directly in `dir`, in name order; ScenarioError when it cannot be
// listed.
std::vector<std::filesystem::path> scenario_files_in(const std::filesystem::path& dir);
// Each of them loaded, in that order.
std::vector<ScenarioFile> load_scenario_dir(const std::filesystem::path& dir);

}  // namespace mcph::harness::scenario
