#include "scenario_selection.h"

#include <fnmatch.h>

#include <algorithm>
#include <cctype>
#include <cstdlib>
#include <filesystem>
#include <set>

#include "mcph/harness/fixtures/data_layout.h"
#include "mcph/harness/scenario/scenario_loader.h"
#include "mcph/text/ascii_case.h"
#include "mcph/text/join.h"

namespace mcph::harness::cli {
namespace {

namespace fs = std::filesystem;

fs::path scenarios_dir() { return fixtures::data_dir(fixtures::DataDir::scenarios); }

// "rate-limit", "rate_limit", "Rate limit" name the same family.
std::string normalized(std::string name) {
  name = text::ascii_lower(name);
  for (auto& c : name) c = (c == '-' || c == ' ') ? '_' : c;
  return name;
}

std::vector<std::string> default_files() {
  std::vector<std::string> files;
  try {
    for (const auto& path : scenario::scenario_files_in(scenarios_dir())) files.push_back(path.string());
  } catch (const scenario::ScenarioError& e) {
    throw SelectionError(e.what());
  }
  return files;
}

scenario::ScenarioFile load(const std::string& path) {
  std::error_code error;
  const auto status = fs::status(path, error);
  if (!fs::exists(status)) throw SelectionError(path + ": no such file");
  if (fs::is_directory(status)) throw SelectionError(path + ": is a directory, not a scenario file");
  try {
    return scenario::load_scenario_file(path);
  } catch (const scenario::ScenarioError& e) {
    throw SelectionError(e.what());
  }
}

}  // namespace

std::size_t Selection::scenario_count() const {
  std::size_t count = 0;
  for (const auto& names : only) count += names.size();
  return count;
}

bool of_family(const scenario::ScenarioFile& file, const std::string& family) {
  return normalized(file.family) == normalized(family) || normalized(file.suite) == normalized(family);
}

bool scenario_matches(const std::string& pattern, const std::string& name) {
  if (pattern.find_first_of("*?[") != std::string::npos) {
    return ::fnmatch(pattern.c_str(), name.c_str(), FNM_CASEFOLD) == 0;
  }
  return text::ascii_lower(name).find(text::ascii_lower(pattern)) != std::string::npos;
}

Selection select_scenarios(const std::vector<std::string>& files, const std::vector<std::string>& families,
                           const std::vector<std::string>& patterns) {
  std::vector<scenario::ScenarioFile> loaded;
  for (const auto& path : files.empty() ? default_files() : files) loaded.push_back(load(path));

  if (!families.empty()) {
    std::set<std::string> wanted;
    for (const auto& family : families) wanted.insert(normalized(family));
    std::set<std::string> known, matched;
    std::erase_if(loaded, [&](const scenario::ScenarioFile& file) {
      known.insert(file.suite);
      for (const auto& name : {normalized(file.family), normalized(file.suite)}) {
        if (wanted.count(name)) {
          matched.insert(name);
          return false;
        }
      }
      return true;
    });
    for (const auto& family : families) {
      if (matched.count(normalized(family))) continue;
      throw SelectionError("no scenario file of family '" + family + "'; the families are: " + text::join(known));
    }
  }

  Selection selection;
  std::set<std::string> used;
  for (auto& file : loaded) {
    std::vector<std::string> names;
    for (const auto& scenario : file.scenarios) {
      bool selected = patterns.empty();
      for (const auto& pattern : patterns) {  // every pattern, so that each one that matches counts as used
        if (!scenario_matches(pattern, scenario.name)) continue;
        used.insert(pattern);
        selected = true;
      }
      if (selected) names.push_back(scenario.name);
    }
    if (names.empty()) continue;
    selection.files.push_back(std::move(file));
    selection.only.push_back(std::move(names));
  }
  for (const auto& pattern : patterns) {
    if (!used.count(pattern)) {
      throw SelectionError("no scenario matches \"" + pattern + "\" in the selected files (`run --list` shows them)");
    }
  }
  return selection;
}

}  // namespace mcph::harness::cli
