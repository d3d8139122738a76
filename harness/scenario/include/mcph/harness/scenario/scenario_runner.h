#pragma once
// Runs scenario files against a stack (any mode: it finds every service through the stack
// file and speaks only public APIs), checks each step's expectations, and records a trace of
// every request, response, timing, ledger entry and audit entry — secrets masked — as JSON.
#include <chrono>
#include <cstdint>
#include <filesystem>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "mcph/harness/scenario/scenario.h"
#include "mcph/harness/scenario/shard.h"
#include "mcph/harness/stack/stack_file.h"
#include "mcph/reports/model.h"

namespace mcph::harness::scenario {

struct RunnerOptions {
  std::filesystem::path fixtures_dir;   // the users' passwords; empty: default_fixtures_dir()
  // Where traces go (<suite>.trace.json); empty: none written.
  std::filesystem::path trace_dir;
  std::chrono::milliseconds http_timeout{10000};
  std::function<void(const std::string&)> progress;  // one line per scenario
  // Asked before each scenario: true (e.g. after Ctrl-C) reports the scenarios not yet run as
  // skipped, "not run: the run was interrupted", so that a partial report is still whole.
  std::function<bool()> stop_requested;
  // Where runners in several processes on one stack pace their calls together (user_pacer.h);
  // empty: this runner paces alone. pacing_dir_for gives the usual one.
  std::filesystem::path pacing_dir;
  // This runner is one of several processes that share its load steps (shard.h): each acts for
  // its own slice of a load step's users.
  Shard shard;
  // Every load step's record of what this process saw (load_record.h), as it finishes: its
  // suite, scenario, step number (from 1) and the record as JSON. May be empty.
  std::function<void(const std::string& suite, const std::string& scenario, std::size_t step, const nlohmann::json& record)>
      on_load_record;
  // The run's seed: a scenario's draws (its toxics' jitter and toxicity) come from it, and with
  // `shuffle` the order of a file's scenarios (run_order.h). The trace records both.
  std::uint64_t seed = 0;
  bool shuffle = false;
};

// The pacing directory of a stack read from `stack_file`: "pacing" in the run directory of a
// stack `mcp-harness up` made (it goes with the stack); none for a hand-written stack file,
// whose directory is not the harness's to write in.
std::filesystem::path pacing_dir_for(const stack::StackFile& stack, const std::filesystem::path& stack_file);

class ScenarioRunner {
 public:
  ScenarioRunner(stack::StackFile stack, RunnerOptions options = {});
  ~ScenarioRunner();
  ScenarioRunner(const ScenarioRunner&) = delete;
  ScenarioRunner& operator=(const ScenarioRunner&) = delete;

  // Runs the file's scenarios in order — file order, or the seed's under `shuffle` — (only those
  // named in `only`, when given) and writes the
  // suite's trace when a trace dir is set. A broken step makes its scenario `error`, never an
  // exception; the next scenario still runs.
  reports::SuiteResult run(const ScenarioFile& file, const std::vector<std::string>& only = {});

  // Why run() would skip `scenario` of `file` on this stack without running it ("not applicable:
  // …", stack_needs.h), or nullopt when it applies; asks nothing of the stack.
  std::optional<std::string> not_applicable(const ScenarioFile& file, const Scenario& scenario) const;
  // The trace of the last run() as JSON text (also what was written to the trace file).
  const std::string& last_trace() const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

// Runs a recorded trace again (its scenario file is inside it) and compares each step's
// observable outcome with the recording: HTTP status, tool or RPC outcome, whose credential
// reached the backend, Vault's entity, the expectations that failed.
struct ReplayDifference {
  std::string scenario;
  std::string step;      // "3: alice calls jira.get_issue"
  std::string field;     // e.g. "http_status"
  std::string recorded;
  std::string replayed;
};

struct ReplayResult {
  reports::SuiteResult suite;                 // the new run
  std::vector<ReplayDifference> differences;  // empty: the stack behaves as recorded
  std::string trace;                          // the new trace (JSON text)
  std::string recorded_at;                    // when the recording started (ISO 8601 UTC)
  std::optional<std::uint64_t> recorded_seed; // the recording's seed; none in a trace older than seeds
  std::uint64_t seed = 0;                     // the seed the replay ran with
  bool shuffled = false;                      // the recording's order was drawn from the seed
  double recorded_seconds = 0;                // how long its scenarios took then
};

// Runs with the recording's seed and order (shuffled or not), or `seed` when given instead.
// Throws std::runtime_error when the file is not a trace this version can read.
ReplayResult replay_trace(const std::filesystem::path& trace_file, const stack::StackFile& stack,
                          RunnerOptions options = {}, std::optional<std::uint64_t> seed = std::nullopt);

}  // namespace mcph::harness::scenario
