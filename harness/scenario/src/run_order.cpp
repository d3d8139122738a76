#include "mcph/harness/scenario/run_order.h"

#include "mcph/seed/seeded_random.h"

namespace mcph::harness::scenario {
namespace {

std::vector<std::size_t> in_order(std::size_t count) {
  std::vector<std::size_t> order(count);
  for (std::size_t i = 0; i < count; ++i) order[i] = i;
  return order;
}

}  // namespace

std::vector<std::size_t> file_order(std::size_t count, std::uint64_t seed, bool shuffle) {
  return shuffle ? seed::shuffled_order(count, seed::derive(seed, "files")) : in_order(count);
}

std::vector<std::size_t> scenario_order(const ScenarioFile& file, std::uint64_t seed, bool shuffle) {
  return shuffle ? seed::shuffled_order(file.scenarios.size(), seed::derive(seed, "order of " + file.suite))
                 : in_order(file.scenarios.size());
}

std::uint64_t scenario_seed(std::uint64_t run_seed, const ScenarioFile& file, const Scenario& scenario) {
  return seed::derive(run_seed, file.suite + "/" + scenario.name);
}

}  // namespace mcph::harness::scenario
