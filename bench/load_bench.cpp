// Family 10 in its full size: scenarios/long/load_1000_users.yaml — 1,000 generated
// users interleaved on every server, 64 and then 256 connections per server with the three
// servers loaded together, 102,000 tool calls besides the warm-up and the rate-limit probe —
// run by the scenario runner against a local stack it starts (1,004 generated users, 20 calls
// per second per user), or against any stack file (--stack, with --generated-users).
//
// One iteration is the whole scenario; its time is the load step's. Counters:
//   calls, ok, failed                  every tool call of the step (warm-up and probe included)
//   cross_user_calls                   calls whose backend request or database role was not the
//   calls_without_entry                caller's, ok calls that left nothing to check: must be 0
//   rate_limit_violations              must be 0
//   c<N>_calls_per_s, c<N>_p50_ms …    each level, all servers together (c<N>_<server>_p99_ms each)
//   stack_up_s                         the local stack's start, 1,004 users provisioned (first run)
// A scenario that does not pass keeps its counters and says so in the label.
#include <benchmark/benchmark.h>

#include <chrono>
#include <cstdio>
#include <nlohmann/json.hpp>
#include <string>

#include "mcph/bench/bench_main.h"
#include "mcph/harness/scenario/scenario_loader.h"
#include "mcph/harness/scenario/scenario_runner.h"

namespace {

using namespace mcph;
using Clock = std::chrono::steady_clock;
using Json = nlohmann::json;

// The load step's summary in a trace (the step's exchange named "load").
Json load_summary(const std::string& trace_text) {
  const Json trace = Json::parse(trace_text);
  for (const auto& scenario : trace["scenarios"]) {
    for (const auto& step : scenario["steps"]) {
      for (const auto& exchange : step.value("exchanges", Json::array())) {
        if (exchange.contains("load")) return exchange["load"];
      }
    }
  }
  return nullptr;
}

void counters_of(benchmark::State& state, const Json& load) {
  for (const char* name : {"calls", "ok", "failed", "cross_user_calls", "calls_without_entry", "rate_limit_violations"}) {
    state.counters[name] = load.value(name, 0.0);
  }
  for (const auto& level : load.value("levels", Json::array())) {
    for (const auto& server : level) {
      const std::string prefix = "c" + std::to_string(server.value("connections", 0)) + "_";
      const std::string name = server.value("server", "all");
      if (name == "all") {
        for (const char* measure : {"calls_per_s", "p50_ms", "p90_ms", "p99_ms", "max_ms"}) {
          state.counters[prefix + measure] = server.value(measure, 0.0);
        }
      } else {
        state.counters[prefix + name + "_p99_ms"] = server.value("p99_ms", 0.0);
        state.counters[prefix + name + "_calls_per_s"] = server.value("calls_per_s", 0.0);
      }
    }
  }
}

void isolation_under_load(benchmark::State& state, bench::BenchStack& stack, const harness::scenario::ScenarioFile& file) {
  const auto starting = Clock::now();
  const harness::stack::StackFile& target = stack.stack();  // a local stack starts here, on first use
  const double up_seconds = std::chrono::duration<double>(Clock::now() - starting).count();
  for (auto _ : state) {
    harness::scenario::RunnerOptions options;
    options.progress = [](const std::string& line) { std::fprintf(stderr, "%s\n", line.c_str()); };
    harness::scenario::ScenarioRunner runner(target, options);
    const reports::SuiteResult suite = runner.run(file);
    const Json load = load_summary(runner.last_trace());
    if (load.is_null()) {
      const std::string why = "the scenario made no load: " + (suite.scenarios.empty() ? "" : suite.scenarios[0].message);
      state.SkipWithError(why.c_str());
      return;
    }
    state.SetIterationTime(load.value("seconds", 0.0));
    counters_of(state, load);
    for (const auto& scenario : suite.scenarios) {
      if (scenario.status == reports::ScenarioResult::Status::passed) continue;
      const std::string why = !scenario.message.empty()    ? scenario.message
                              : scenario.failures.empty() ? std::string()
                                                          : scenario.failures[0].expectation + ": " + scenario.failures[0].actual;
      state.SetLabel("NOT PASSED: " + why.substr(0, 300));
    }
  }
  if (up_seconds > 0.5) state.counters["stack_up_s"] = up_seconds;
}

}  // namespace

int main(int argc, char** argv) {
  bench::BenchProgram program;
  program.name = "load_bench";
  program.summary = "Family 10 in its full size: isolation under load, latency per concurrency level.";
  program.local = harness::stack::scenario_suite_params();
  program.local.generated_users = 1004;
  program.declare_flags = [](cli::Flags& flags) {
    flags.option("file", std::string(MCPH_SCENARIOS_DIR) + "/long/load_1000_users.yaml", "the load scenario file to run");
  };
  program.register_benchmarks = [](const bench::BenchProgram::Stacks& stacks, const bench::Identities&,
                                   const cli::Flags& flags) {
    static const harness::scenario::ScenarioFile file = harness::scenario::load_scenario_file(flags.get("file"));
    for (const auto& stack : stacks) {
      bench::register_for_stack("BM_IsolationUnderLoad", stack,
                                [](benchmark::State& state, bench::BenchStack& on) { isolation_under_load(state, on, file); })
          ->Iterations(1)
          ->UseManualTime()
          ->Unit(benchmark::kSecond);
    }
  };
  return bench::run_bench_program(argc, argv, std::move(program));
}
