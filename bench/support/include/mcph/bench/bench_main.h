#pragma once
// The main() of the benchmark programs that measure a stack: Google Benchmark's own flags
// (--benchmark_filter, --benchmark_repetitions, --benchmark_out=FILE
// --benchmark_out_format=json, …) plus the project's: --stack [LABEL=]FILE (repeatable), the
// identities to act as, and the program's own flags. The benchmarks are registered once per
// stack, named "…/stack:LABEL"; the JSON output's context lists each label with its stack.
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include <benchmark/benchmark.h>

#include "mcph/bench/bench_stack.h"
#include "mcph/cli/flags.h"

namespace mcph::bench {

struct BenchProgram {
  std::string name;
  std::string summary;
  // How the program's local stack is started when no --stack is given.
  harness::stack::StackParams local;
  // Optional: the program's own flags.
  std::function<void(cli::Flags&)> declare_flags;
  // Registers the benchmarks (benchmark::RegisterBenchmark, named with bench_name()) of every
  // stack. They run in registration order: registering each benchmark for every stack in turn
  // measures the stacks side by side, so a drift of the machine affects them alike.
  using Stacks = std::vector<std::shared_ptr<BenchStack>>;
  std::function<void(const Stacks&, const Identities&, const cli::Flags&)> register_benchmarks;
};

// Registers the benchmark `name` of `stack` (bench_name), which runs `body` on it: a stack that
// cannot be brought up or reached, or a body that throws, skips the benchmark with the reason
// (skip_on_error). Returns Google Benchmark's handle, for the benchmark's settings.
benchmark::internal::Benchmark* register_for_stack(const std::string& name, const std::shared_ptr<BenchStack>& stack,
                                                   std::function<void(benchmark::State&, BenchStack&)> body);

// Parses the flags (a mistake: a message and exit code 2), registers, runs, stops the local
// stacks. Returns the process exit code.
int run_bench_program(int argc, char** argv, BenchProgram program);

}  // namespace mcph::bench
