#include "mcph/bench/bench_main.h"

#include <benchmark/benchmark.h>

#include <cstdio>
#include <stdexcept>

#include "mcph/bench/cpu_idle.h"
#include "mcph/bench/latency.h"

namespace mcph::bench {
namespace {

// Google Benchmark's --help calls a plain function: the program's usage goes through here.
std::string g_usage;
void print_usage() {
  std::fputs(g_usage.c_str(), stdout);
  std::fputs("\nGoogle Benchmark's flags:\n", stdout);
  benchmark::PrintDefaultHelp();
}

}  // namespace

benchmark::internal::Benchmark* register_for_stack(const std::string& name, const std::shared_ptr<BenchStack>& stack,
                                                   std::function<void(benchmark::State&, BenchStack&)> body) {
  return benchmark::RegisterBenchmark(bench_name(name, *stack).c_str(), [stack, body](benchmark::State& state) {
    skip_on_error(state, [&] { body(state, *stack); });
  });
}

int run_bench_program(int argc, char** argv, BenchProgram program) {
  cli::Flags flags(program.name, program.summary);
  flags.repeated("stack", "[LABEL=]FILE: measure the stack this stack file names (default: start a local one)")
      .option("client-id", "mcp-client", "the IdP client the benchmarks get tokens with")
      .option("client-secret", "mcp-client-secret", "its secret")
      .option("user", "alice", "the user of the warm-path benchmarks (needs every credential)")
      .option("password", "alice123", "that user's password")
      .option("generated-users", "0",
              "how many generated users (user0001…) a --stack stack has (mcp-harness up --users N)");
  if (program.declare_flags) program.declare_flags(flags);
  g_usage = flags.usage();
  benchmark::Initialize(&argc, argv, print_usage);
  flags.parse(argc, argv);

  std::vector<std::shared_ptr<BenchStack>> stacks;
  try {
    stacks = stacks_from_flags(flags.all("stack"), program.local);
  } catch (const std::exception& e) {
    std::fprintf(stderr, "%s: %s\n", program.name.c_str(), e.what());
    return 2;
  }
  Identities who;
  who.client_id = flags.get("client-id");
  who.client_secret = flags.get("client-secret");
  who.username = flags.get("user");
  who.password = flags.get("password");
  who.generated_users = flags.all("stack").empty() ? program.local.generated_users : flags.get_int("generated-users");
  for (const auto& stack : stacks) benchmark::AddCustomContext("stack:" + stack->label(), stack->origin());
  if (const std::string idle = cpu_idle_state(); !idle.empty()) benchmark::AddCustomContext("cpu idle", idle);
  program.register_benchmarks(stacks, who, flags);
  benchmark::RunSpecifiedBenchmarks();
  benchmark::Shutdown();
  for (const auto& stack : stacks) stack->down();
  return 0;
}

}  // namespace mcph::bench
