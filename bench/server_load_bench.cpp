// The MCP servers of a stack under concurrency: for each of jira-mcp, github-mcp and
// postgres-mcp, BM_Load runs a bounded keep-alive load at 1, 16, 64 and 256 connections, users
// interleaved across connections (after an unmeasured warm-up at the same concurrency), each
// connection calling back to back (a closed loop: each always has one call in flight, so mean
// latency = connections / throughput). Reported:
// calls/s, p50/p99/max, calls over 900 ms, connection setups over 900 ms, failures, and the
// kernel's listen-queue drops during the run. Targets at 64 and 256 connections: p99 ≤ 50 ms,
// nothing over 1 s; throughput at 64 at least 3× the servers' before the fix.
// --interval-ms paces each connection instead (one call per interval: a fixed offered rate).
// Against a local stack it starts, or any stack file (--stack, repeatable: side by side).
#include <benchmark/benchmark.h>

#include <chrono>
#include <cstdio>
#include <sstream>
#include <string>
#include <vector>

#include "mcph/bench/bench_main.h"
#include "mcph/bench/mcp_servers.h"
#include "mcph/harness/load/load_driver.h"
#include "mcph/proc/listen_overflows.h"

namespace {

using namespace mcph;
using bench::BenchStack;

struct Settings {
  bench::Identities who;
  bool legacy = false;
  int users = 16;              // generated users user0001… whose calls interleave
  int calls = 4000;            // per run (at least 10 per connection)
  std::chrono::milliseconds time_limit{60000};
  std::chrono::microseconds interval{0};
  std::vector<int> connections = {1, 16, 64, 256};
};

Settings settings;

void load(benchmark::State& state, BenchStack& stack, const bench::McpServer& server, int connections) {
  bench::require_generated_users(settings.who, settings.users);
  const bench::Endpoint endpoint = bench::endpoint_of(stack, server.service, settings.legacy);
  std::vector<std::string> tokens;
  for (int i = 1; i <= settings.users; ++i) tokens.push_back("Bearer " + bench::generated_user_token(stack, settings.who, i));
  harness::load::LoadOptions options;
  options.endpoint_url = endpoint.url;
  options.transport = endpoint.transport;
  options.next_call = [&](std::size_t, std::size_t) { return harness::load::ToolCall{server.tool, server.arguments}; };
  options.time_limit = settings.time_limit;
  // One unmeasured call per user first, so the runs measure warm calls under concurrency.
  options.authorizations = tokens;
  options.calls_per_connection = 1;
  (void)harness::load::run_load(options);

  options.authorizations.clear();
  for (int i = 0; i < connections; ++i) options.authorizations.push_back(tokens[static_cast<std::size_t>(i) % tokens.size()]);
  options.interval = settings.interval;
  // Then a few unmeasured calls per connection at the run's own concurrency: what a server opens
  // the first time it sees this many calls at once (postgres-mcp's connections per role, a
  // backend connection pool) is opened here, not in the measured run. First calls have their
  // own benchmark (tool_call_bench's BM_FirstCall); family 10's full size measures everything.
  options.calls_per_connection = 3;
  (void)harness::load::run_load(options);

  options.calls_per_connection = static_cast<std::size_t>(std::max(10, settings.calls / connections));
  for (auto _ : state) {
    const std::int64_t overflows_before = proc::listen_overflows();
    const harness::load::LoadReport report = harness::load::run_load(options);
    const std::int64_t overflows_after = proc::listen_overflows();
    state.SetIterationTime(std::max(report.elapsed_s, 1e-6));
    state.counters["calls_per_s"] = report.calls_per_second();
    state.counters["p50_ms"] = report.percentile_ms(0.50);
    state.counters["p99_ms"] = report.percentile_ms(0.99);
    state.counters["max_ms"] = report.max_ms();
    state.counters["over_900ms"] = static_cast<double>(report.slow);
    state.counters["setup_p99_ms"] = harness::load::percentile_of_sorted(report.setup_latencies_ms, 0.99);
    state.counters["setups_over_900ms"] = static_cast<double>(report.slow_setups);
    state.counters["failed"] = static_cast<double>(report.failed + report.setups_failed);
    state.counters["unfinished"] = static_cast<double>(report.unfinished);
    state.counters["listen_overflows"] = static_cast<double>(overflows_after - overflows_before);
    for (const auto& error : report.sample_errors) {
      std::fprintf(stderr, "%s %s: %s\n", stack.label().c_str(), server.service.c_str(), error.c_str());
    }
  }
}

std::vector<int> parse_connections(const std::string& text) {
  std::vector<int> values;
  std::stringstream stream(text);
  std::string item;
  while (std::getline(stream, item, ',')) {
    const int value = std::stoi(item);
    if (value < 1 || value > 4096) throw std::invalid_argument("--connections: each count must be 1 to 4096");
    values.push_back(value);
  }
  return values;
}

void register_benchmarks(const bench::BenchProgram::Stacks& stacks, const bench::Identities& who,
                         const cli::Flags& flags) {
  settings.who = who;
  settings.legacy = flags.on("legacy-sse");
  settings.users = flags.get_int("users");
  settings.calls = flags.get_int("calls");
  settings.time_limit = std::chrono::milliseconds(flags.get_int("time-limit-ms"));
  settings.interval = std::chrono::milliseconds(flags.get_int("interval-ms"));
  settings.connections = parse_connections(flags.get("connections"));
  for (const auto& server : bench::mcp_servers()) {
    for (const int connections : settings.connections) {
      for (const auto& stack : stacks) {
        const std::string name = "BM_Load/" + server.service + "/connections:" + std::to_string(connections);
        bench::register_for_stack(name, stack,
                                  [&server, connections](benchmark::State& state, BenchStack& on) {
                                    load(state, on, server, connections);
                                  })
            ->Unit(benchmark::kMillisecond)
            ->Iterations(1)
            ->UseManualTime();
      }
    }
  }
}

}  // namespace

int main(int argc, char** argv) {
  bench::BenchProgram program;
  program.name = "server_load_bench";
  program.summary = "The MCP servers of a stack under a bounded keep-alive load at several connection counts.";
  program.local.generated_users = 16;
  program.declare_flags = [](cli::Flags& flags) {
    flags.toggle("legacy-sse", "call POST <server>/sse (the demo's plain JSON-RPC) instead of the stack's transport")
        .option("users", "16", "generated users (user0001…) whose calls the connections interleave")
        .option("calls", "4000", "tool calls per run (at least 10 per connection)")
        .option("time-limit-ms", "60000", "no call starts after this")
        .option("interval-ms", "0", "each connection's pause between calls (0 = back to back)")
        .option("connections", "1,16,64,256", "the runs' connection counts");
  };
  program.register_benchmarks = register_benchmarks;
  return bench::run_bench_program(argc, argv, std::move(program));
}
