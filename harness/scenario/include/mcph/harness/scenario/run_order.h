#pragma once
// The order a run takes its files and scenarios in, and the seed each scenario draws from. In
// file order unless the run shuffles; then an order drawn from the run's seed: the same seed, the
// same order. A file's order depends only on the seed and the file, so running that file alone
// (the `again:` command of a failed scenario) runs its scenarios in the order they ran.
#include <cstddef>
#include <cstdint>
#include <vector>

#include "mcph/harness/scenario/scenario.h"

namespace mcph::harness::scenario {

// Indices 0 … count-1 of the run's files, in the order they run.
std::vector<std::size_t> file_order(std::size_t count, std::uint64_t seed, bool shuffle);
// Indices of the file's scenarios, in the order they run.
std::vector<std::size_t> scenario_order(const ScenarioFile& file, std::uint64_t seed, bool shuffle);
// What one scenario's draws (its toxics' jitter and toxicity) come from: the run's seed, the
// file's suite and the scenario's name; not its place, so it is the same run alone or shuffled.
std::uint64_t scenario_seed(std::uint64_t run_seed, const ScenarioFile& file, const Scenario& scenario);

}  // namespace mcph::harness::scenario
