// The order a run takes a file's scenarios in: file order by default, a seed's under shuffle —
// the same seed the same order, another seed another — and each scenario's own seed.
#include "mcph/harness/scenario/run_order.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <string>

#include "mcph/harness/scenario/scenario_loader.h"

namespace mcph::harness::scenario {
namespace {

ScenarioFile six_scenarios(const std::string& suite) {
  std::string text = "suite: " + suite + "\nfamily: isolation\nscenarios:\n";
  for (int i = 0; i < 6; ++i) {
    text += "  - name: scenario " + std::to_string(i) + "\n    steps:\n      - wait: 1ms\n";
  }
  return parse_scenario_file(text, suite + ".yaml");
}

TEST(RunOrder, FileOrderUnlessShuffled) {
  const ScenarioFile file = six_scenarios("six");
  EXPECT_EQ(scenario_order(file, 1, false), (std::vector<std::size_t>{0, 1, 2, 3, 4, 5}));
  EXPECT_EQ(scenario_order(file, 2, false), scenario_order(file, 1, false));
  EXPECT_EQ(file_order(4, 9, false), (std::vector<std::size_t>{0, 1, 2, 3}));
}

// The seeds 1 and 2 give different orders of this file; the draws are the project's own
// (seeded_random.h), so that holds on every platform and the pair is fixed here.
TEST(RunOrder, TheSameSeedGivesTheSameOrderAndAnotherSeedAnother) {
  const ScenarioFile file = six_scenarios("six");
  const std::vector<std::size_t> one = scenario_order(file, 1, true);
  EXPECT_EQ(scenario_order(file, 1, true), one);
  EXPECT_NE(scenario_order(file, 2, true), one);
  std::vector<std::size_t> sorted = one;
  std::sort(sorted.begin(), sorted.end());
  EXPECT_EQ(sorted, scenario_order(file, 1, false));  // every scenario runs, once
  EXPECT_NE(one, scenario_order(file, 1, false));     // and the seed did move them
  EXPECT_EQ(file_order(6, 1, true), file_order(6, 1, true));
  EXPECT_NE(file_order(6, 1, true), file_order(6, 2, true));
}

// A scenario's seed depends on the run's seed, its file and its name, not on where it runs: the
// again command, which runs it alone, gives its faults the same draws.
TEST(RunOrder, AScenariosSeedIsItsOwnWhereverItRuns) {
  const ScenarioFile file = six_scenarios("six"), other = six_scenarios("other");
  EXPECT_EQ(scenario_seed(5, file, file.scenarios[2]), scenario_seed(5, six_scenarios("six"), file.scenarios[2]));
  EXPECT_NE(scenario_seed(5, file, file.scenarios[2]), scenario_seed(6, file, file.scenarios[2]));
  EXPECT_NE(scenario_seed(5, file, file.scenarios[2]), scenario_seed(5, file, file.scenarios[3]));
  EXPECT_NE(scenario_seed(5, file, file.scenarios[2]), scenario_seed(5, other, other.scenarios[2]));
}

}  // namespace
}  // namespace mcph::harness::scenario
