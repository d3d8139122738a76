#pragma once
// A run as one of N processes (docs/sharding.md): `mcp-harness run --shard i/N` (or Kubernetes'
// JOB_COMPLETION_INDEX with MCPH_SHARD_COUNT) makes the run worker i of N. Each worker runs the
// selected scenarios, and each load step acts for its own slice of the step's users, calls and
// connections; it writes what it saw into a result directory. `mcp-harness merge` reads the
// workers' directories and gives one verdict and one set of reports: the load steps' checks
// rerun over every worker's calls together, latencies from the merged histograms.
// A run that is not sharded is shard 0 of 1, through the same code.
#include <filesystem>
#include <functional>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "mcph/reports/model.h"

namespace mcph::harness::scenario {

struct ScenarioFile;

struct Shard {
  int index = 0;
  int count = 1;
};

inline constexpr int kMaxShards = 1000;
// The environment variable that gives the number of workers beside JOB_COMPLETION_INDEX.
inline constexpr const char* kShardCountVariable = "MCPH_SHARD_COUNT";

// "i/N" with 0 <= i < N <= kMaxShards. Throws std::invalid_argument saying what is wrong.
Shard parse_shard(std::string_view text);
// JOB_COMPLETION_INDEX (an Indexed Job's pod index) and MCPH_SHARD_COUNT, through `get` (getenv
// by default); nullopt when JOB_COMPLETION_INDEX is not set. Throws std::invalid_argument when
// it is set and MCPH_SHARD_COUNT is missing, or either is not a number in range.
std::optional<Shard> shard_from_environment(const std::function<const char*(const char*)>& get = {});

// What a worker writes into its result directory (DIR/shard.json): its shard, the scenario files
// it ran (path, sha256 and text), its report, and its load steps' records (load_record.h) as
// collected through RunnerOptions::on_load_record: [{suite, scenario, step, record}, …].
void write_shard_result(const std::filesystem::path& dir, const Shard& shard, const reports::RunReport& report,
                        const std::vector<ScenarioFile>& files, const nlohmann::json& load_records);

// Shards that do not make one run: a missing index, an index claimed twice, different counts,
// different scenario files or scenarios, an unreadable directory.
class ShardMergeError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

struct MergedRun {
  int shards = 0;
  reports::RunReport report;  // one report, as if one process had run the whole load
  // Google Benchmark's JSON layout, one benchmark per load step, with load_bench's counters
  // (calls, ok, failed, cross_user_calls, …, c<N>_calls_per_s, c<N>_p50_ms, …).
  nlohmann::json benchmarks;
};

// Throws ShardMergeError.
MergedRun merge_shard_results(const std::vector<std::filesystem::path>& dirs);

}  // namespace mcph::harness::scenario
