// stack_owner [--run-dir DIR] [--mode MODE] [--detached]: a process that owns a SupervisedStack (attached by
// default), for the tests that kill the owner. Prints the supervisor's progress, then
// "owner ready <stack file>", then waits (at most 10 minutes) and exits, stopping an attached
// stack on the way out.
#include <chrono>
#include <cstdio>
#include <cstring>
#include <exception>
#include <thread>

#include "mcph/harness/stack/supervised_stack.h"

int main(int argc, char** argv) {
  using namespace mcph::harness;
  stack::SupervisedStackOptions options;
  for (int i = 1; i < argc; ++i) {
    if (std::strcmp(argv[i], "--run-dir") == 0 && i + 1 < argc) {
      options.stack.run_dir = argv[++i];
    } else if (std::strcmp(argv[i], "--mode") == 0 && i + 1 < argc && stack::parse_stack_mode(argv[i + 1])) {
      options.stack.mode = *stack::parse_stack_mode(argv[++i]);
    } else if (std::strcmp(argv[i], "--detached") == 0) {
      options.lifetime = stack::StackLifetime::detached;
    } else {
      std::fprintf(stderr, "stack_owner: unexpected argument '%s'\n", argv[i]);
      return 2;
    }
  }
  options.progress = [](const std::string& line) { std::printf("  %s\n", line.c_str()); };
  try {
    const auto stack = stack::SupervisedStack::start(options);
    std::printf("owner ready %s\n", stack->stack_file().c_str());
    std::fflush(stdout);
    std::this_thread::sleep_for(std::chrono::minutes(10));
    return 0;
  } catch (const std::exception& e) {
    std::fprintf(stderr, "stack_owner: %s\n", e.what());
    return 1;
  }
}
