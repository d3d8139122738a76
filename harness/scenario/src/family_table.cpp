#include "mcph/harness/scenario/family_table.h"

#include <filesystem>
#include <stdexcept>

#include "markdown_code.h"
#include "mcph/text/join.h"

namespace mcph::harness::scenario {
namespace {

std::string how_it_runs(const CtestRuns& runs) {
  if (runs.alone) return "alone";
  if (!runs.lock.empty()) return "one at a time per stack (" + markdown_code(runs.lock) + ")";
  return "side by side";
}

}  // namespace

std::string family_table(const std::vector<ScenarioFile>& files) {
  std::string out =
      "| family | file | ctest labels | stacks | runs | scenarios |\n|---|---|---|---|---|---|\n";
  std::size_t total = 0;
  for (const auto& file : files) {
    if (!file.ctest) continue;
    const CtestRuns& runs = *file.ctest;
    std::vector<std::string> labels = {runs.label};
    labels.insert(labels.end(), runs.labels.begin(), runs.labels.end());
    out += "| " + file.family + " | " + markdown_code("scenarios/" + std::filesystem::path(file.path).filename().string()) +
           " | " + text::join(labels, ", ", markdown_code) + " | " + text::join(runs.stacks, ", ") + " | " + how_it_runs(runs) +
           " | " + std::to_string(file.scenarios.size()) + " |\n";
    total += file.scenarios.size();
  }
  out += "| | | | | | " + std::to_string(total) + " in all |\n";
  return out;
}

std::string with_family_table(const std::string& document, const std::string& table) {
  const std::string begin = kFamilyTableBegin;
  const std::string end = kFamilyTableEnd;
  const auto from = document.find(begin);
  const auto to = from == std::string::npos ? std::string::npos : document.find(end, from);
  if (to == std::string::npos) {
    throw std::runtime_error("the page has no families table between the lines '" + begin + "' and '" + end + "'");
  }
  return document.substr(0, from + begin.size()) + "\n" + table + document.substr(to);
}

}  // namespace mcph::harness::scenario
