// Cold start of a stack, as `mcp-harness up` and every stack test pay it: PostgreSQL (initdb +
// start), Keycloak and Vault (the stand-ins, or the real servers in real mode), the mock
// backends, provisioning through the public APIs, the three MCP servers; a fresh run directory
// each iteration. Target for local mode: under 5 s on 2 cores, and with 1,000 generated users
// (family 10) provisioning that stays routine.
//
// The counters split the start into its phases (milliseconds, averaged over the iterations):
// postgres_ms is initdb + start + schema, <service>_ms each service's spawn-to-ready time,
// provision_ms the provisioner. BM_LocalStackDown times the orderly stop; BM_SupervisedStackUp
// the same start through a supervisor process (what `mcp-harness up` costs), stop_ms its stop.
#include <benchmark/benchmark.h>

#include <chrono>
#include <map>
#include <regex>
#include <string>
#include <vector>

#include "mcph/harness/stack/local_stack.h"
#include "mcph/harness/stack/real_tier.h"
#include "mcph/harness/stack/supervised_stack.h"
#include "mcph/sync/elapsed.h"

namespace {

using namespace mcph;
using Clock = std::chrono::steady_clock;

using sync::ms_between;

// The progress lines of one start with the time each arrived; turned into phase durations.
class Timeline {
 public:
  std::function<void(const std::string&)> recorder() {
    return [this](const std::string& line) { lines_.emplace_back(Clock::now(), line); };
  }

  std::map<std::string, double> phases() const {
    static const std::regex ready(R"((\S+) ready at \S+ \((\d+) ms\))");
    std::map<std::string, double> out;
    Clock::time_point provision_start{};
    for (const auto& [at, line] : lines_) {
      std::smatch match;
      if (line.find("provisioning:") != std::string::npos) provision_start = at;
      if (std::regex_search(line, match, ready)) {
        const std::string name = match[1].str();
        const double ms = std::stod(match[2].str());
        out[name + "_ms"] = ms;
        // The first MCP server starts when provisioning ends.
        if (name == "jira-mcp") out["provision_ms"] = ms_between(provision_start, at) - ms;
      }
    }
    return out;
  }

 private:
  std::vector<std::pair<Clock::time_point, std::string>> lines_;
};

void add_phases(benchmark::State& state, const std::map<std::string, double>& phases) {
  for (const auto& [name, ms] : phases) {
    auto& counter = state.counters[name];
    counter = benchmark::Counter(counter.value + ms, benchmark::Counter::kAvgIterations);
  }
}

// Arg 0: local mode (stand-ins); 1: real mode (the real Keycloak and Vault), skipped when the
// real tier is not installed. keycloak_ms and vault_ms compare the two bring-ups. Arg 1: the
// generated users provisioned besides alice, bob and carol (`up`'s 8, or family 10's 1,000:
// provision_ms is what a thousand users cost; target: routine, a few seconds in local mode).
void BM_LocalStackUp(benchmark::State& state) {
  harness::stack::StackParams params;  // no run_dir: a fresh temporary one each time
  params.mode = state.range(0) == 0 ? harness::stack::StackMode::local : harness::stack::StackMode::real;
  params.generated_users = static_cast<int>(state.range(1));
  if (params.mode == harness::stack::StackMode::real) {
    try {
      harness::stack::find_real_tier();
    } catch (const harness::stack::RealTierMissing& e) {
      state.SkipWithError(e.what());
      return;
    }
  }
  state.SetLabel(harness::stack::to_string(params.mode));
  for (auto _ : state) {
    Timeline timeline;
    const auto start = Clock::now();
    auto stack = harness::stack::LocalStack::up(params, timeline.recorder());
    state.SetIterationTime(std::chrono::duration<double>(Clock::now() - start).count());
    add_phases(state, timeline.phases());
    stack->down();
  }
}
BENCHMARK(BM_LocalStackUp)->Args({0, 8})->Args({1, 8})->Iterations(3)->UseManualTime()->Unit(benchmark::kMillisecond);
BENCHMARK(BM_LocalStackUp)->Args({0, 1000})->Args({1, 1000})->Iterations(1)->UseManualTime()->Unit(benchmark::kMillisecond);

void BM_LocalStackDown(benchmark::State& state) {
  for (auto _ : state) {
    auto stack = harness::stack::LocalStack::up({});
    const auto start = Clock::now();
    stack->down();
    state.SetIterationTime(std::chrono::duration<double>(Clock::now() - start).count());
  }
}
BENCHMARK(BM_LocalStackDown)->Iterations(3)->UseManualTime()->Unit(benchmark::kMillisecond);

void BM_SupervisedStackUp(benchmark::State& state) {
  for (auto _ : state) {
    Timeline timeline;
    harness::stack::SupervisedStackOptions options;
    options.progress = timeline.recorder();
    const auto start = Clock::now();
    auto stack = harness::stack::SupervisedStack::start(options);
    state.SetIterationTime(std::chrono::duration<double>(Clock::now() - start).count());
    const auto stopping = Clock::now();
    const auto report = stack->stop();
    if (report.forced || !report.survivors.empty()) state.SkipWithError("the supervisor did not stop cleanly");
    auto& stop_ms = state.counters["stop_ms"];
    stop_ms = benchmark::Counter(stop_ms.value + ms_between(stopping, Clock::now()),
                                 benchmark::Counter::kAvgIterations);
  }
}
BENCHMARK(BM_SupervisedStackUp)->Iterations(3)->UseManualTime()->Unit(benchmark::kMillisecond);

}  // namespace
