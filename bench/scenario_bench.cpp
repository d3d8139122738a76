// The six scenario families end to end, as `mcp-harness run --stack FILE` runs them: one
// iteration is a ScenarioRunner over every scenarios/*.yaml file against one local stack
// (attached supervisor, the scenario suites' profile: generated users, rate limit 20 per 1000 ms) that is brought up once,
// outside the timing. Target: under 30 s per iteration on 2 cores.
//
// Counters (seconds, averaged over the iterations):
//   <suite>_s    each family's wall time
//   waiting_s    the deliberate waiting inside that time: `wait:` steps (rate_limit waits out its
//                window) and `token: expire` steps (token_expiry sleeps until 3 s tokens expire)
//   work_s       the rest: logins, MCP calls, Vault, PostgreSQL, ledger and audit reads
//   stack_up_s   the one stack start, not part of the timing
//   not_passed   scenarios that did not pass (the label names the first): should be 0
#include <benchmark/benchmark.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <map>
#include <memory>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "mcph/harness/scenario/scenario_loader.h"
#include "mcph/harness/scenario/scenario_runner.h"
#include "mcph/harness/stack/supervised_stack.h"

namespace {

using namespace mcph;
using Clock = std::chrono::steady_clock;
using Json = nlohmann::json;

double seconds_since(Clock::time_point start) { return std::chrono::duration<double>(Clock::now() - start).count(); }

struct SharedStack {
  std::unique_ptr<harness::stack::SupervisedStack> stack;
  double up_seconds = 0;
};

// Started on first use by the main thread (an attached supervisor dies with the thread that
// started it) and stopped when the program exits.
SharedStack& shared_stack() {
  static SharedStack shared = [] {
    harness::stack::SupervisedStackOptions options;
    options.stack = harness::stack::scenario_suite_params();
    const auto start = Clock::now();
    SharedStack out;
    out.stack = harness::stack::SupervisedStack::start(options);
    out.up_seconds = seconds_since(start);
    return out;
  }();
  return shared;
}

std::vector<harness::scenario::ScenarioFile> scenario_files() {
  std::vector<std::filesystem::path> paths;
  for (const auto& entry : std::filesystem::directory_iterator(MCPH_SCENARIOS_DIR)) {
    if (entry.path().extension() == ".yaml") paths.push_back(entry.path());
  }
  std::sort(paths.begin(), paths.end());
  std::vector<harness::scenario::ScenarioFile> files;
  for (const auto& path : paths) {
    harness::scenario::ScenarioFile file = harness::scenario::load_scenario_file(path);
    // Family 10 (isolation under load) is a load of its own, on a stack with its own users: it
    // is measured by load_bench.
    if (file.family != "load") files.push_back(std::move(file));
  }
  return files;
}

// The time a suite's trace spent in steps that wait on purpose.
double deliberate_wait_seconds(const harness::scenario::ScenarioFile& file, const std::string& trace_text) {
  const Json trace = Json::parse(trace_text);
  double ms = 0;
  for (const auto& recorded : trace["scenarios"]) {
    const auto scenario = std::find_if(file.scenarios.begin(), file.scenarios.end(), [&](const harness::scenario::Scenario& s) {
      return s.name == recorded.value("name", "");
    });
    if (scenario == file.scenarios.end()) continue;
    for (const auto& step : recorded["steps"]) {
      const std::size_t index = step.value("index", std::size_t{0});
      if (index == 0 || index > scenario->steps.size()) continue;
      const harness::scenario::Step& written = scenario->steps[index - 1];
      const auto* token = written.get_if<harness::scenario::TokenStep>();
      const bool waits = written.kind() == harness::scenario::StepKind::wait || (token && token->action == harness::scenario::TokenAction::expire);
      if (waits) ms += step.value("ms", 0.0);
    }
  }
  return ms / 1000;
}

void add(benchmark::State& state, const std::string& name, double value) {
  auto& counter = state.counters[name];
  counter = benchmark::Counter(counter.value + value, benchmark::Counter::kAvgIterations);
}

void BM_AllScenarioFamilies(benchmark::State& state) {
  SharedStack& shared = shared_stack();
  const std::vector<harness::scenario::ScenarioFile> files = scenario_files();
  std::size_t scenarios = 0;
  for (const auto& file : files) scenarios += file.scenarios.size();

  // Scenarios that did not pass do not stop the timing (the other families still mean
  // something), but they show in the `not_passed` counter and the label.
  double not_passed_count = 0;
  std::string first_not_passed;
  int iteration = 0;
  for (auto _ : state) {
    ++iteration;
    harness::scenario::ScenarioRunner runner(shared.stack->stack());
    double waiting = 0, total = 0;
    std::string not_passed;
    for (const auto& file : files) {
      const auto start = Clock::now();
      const reports::SuiteResult suite = runner.run(file);
      const double seconds = seconds_since(start);
      total += seconds;
      add(state, file.suite + "_s", seconds);
      waiting += deliberate_wait_seconds(file, runner.last_trace());
      for (const auto& scenario : suite.scenarios) {
        if (scenario.status == reports::ScenarioResult::Status::passed) continue;
        ++not_passed_count;
        if (not_passed.empty()) {
          not_passed = file.suite + ": " + scenario.name + " " + reports::to_string(scenario.status) + " in iteration " +
                       std::to_string(iteration);
          const std::string why = !scenario.message.empty() ? scenario.message
                                  : scenario.failures.empty() ? std::string()
                                  : scenario.failures.front().expectation + ": " + scenario.failures.front().actual;
          std::fprintf(stderr, "scenario_bench: %s: %s\n", not_passed.c_str(), why.c_str());
        }
      }
    }
    add(state, "waiting_s", waiting);
    add(state, "work_s", total - waiting);
    if (first_not_passed.empty()) first_not_passed = not_passed;
  }
  state.counters["scenarios"] = static_cast<double>(scenarios);
  state.counters["not_passed"] = benchmark::Counter(not_passed_count, benchmark::Counter::kAvgIterations);
  if (!first_not_passed.empty()) state.SetLabel("NOT PASSED: " + first_not_passed);
  state.counters["stack_up_s"] = shared.up_seconds;
}
BENCHMARK(BM_AllScenarioFamilies)->Iterations(3)->UseRealTime()->Unit(benchmark::kSecond);

}  // namespace
