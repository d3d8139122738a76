// A benchmark program that measures a local stack of its own leaves nothing behind when a signal
// stops it, SIGKILL included: not the stack's services, not its temporary directory (the stack
// runs under an attached supervisor, which the program's death stops).
#include <signal.h>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <filesystem>

#include "mcph/harness/stack/stack_file.h"
#include "mcph/proc/child_process.h"
#include "mcph/proc/poll_until.h"
#include "mcph/proc/temp_dir.h"
#include "owner_support.h"

namespace mcph::bench {
namespace {

namespace fs = std::filesystem;
using namespace std::chrono_literals;
using harness::stack::testing::survivors;
using harness::stack::testing::wait_until_removed;

// The stack file of the one stack started under `tmp`, once it is there.
std::optional<fs::path> stack_file_under(const fs::path& tmp) {
  for (const auto& entry : fs::directory_iterator(tmp)) {
    if (fs::exists(entry.path() / "stack.json")) return entry.path() / "stack.json";
  }
  return std::nullopt;
}

class BenchLocalStack : public ::testing::TestWithParam<int> {};

TEST_P(BenchLocalStack, ABenchmarkStoppedByASignalLeavesNoProcessAndNoTempDir) {
  proc::TempDir tmp("bench-tmp");
  // PostgreSQL, run as its own user, must reach the stack's directory inside.
  fs::permissions(tmp.path(), fs::perms::others_exec, fs::perm_options::add);
  proc::SpawnOptions spawn;
  spawn.name = "tool_call_bench";
  // A benchmark long enough to be stopped in the middle of it (each repetition takes a second).
  spawn.argv = {TOOL_CALL_BENCH, "--benchmark_filter=BM_WarmCall/github", "--benchmark_repetitions=600"};
  spawn.env = {{"TMPDIR", tmp.path().string()}};
  proc::ChildProcess bench = proc::ChildProcess::spawn(spawn);
  std::optional<fs::path> stack_file;
  proc::poll_until([&] { return (stack_file = stack_file_under(tmp.path())).has_value() || !bench.running(); },
                   harness::stack::testing::kStartTimeout);
  ASSERT_TRUE(stack_file.has_value()) << bench.last_log_lines();
  harness::stack::StackFile stack;
  ASSERT_TRUE(proc::poll_until(
      [&] {
        try {
          stack = harness::stack::StackFile::load(*stack_file);
          return stack.services.count("github-mcp") == 1;
        } catch (const std::exception&) {
          return false;  // still being written
        }
      },
      30s));

  ASSERT_EQ(::kill(bench.pid(), GetParam()), 0);
  bench.stop(0ms);  // reaps it
  EXPECT_THAT(survivors(stack), ::testing::IsEmpty());
  EXPECT_TRUE(wait_until_removed(stack_file->parent_path(), harness::stack::testing::kStopTimeout)) << stack_file->parent_path();
}

INSTANTIATE_TEST_SUITE_P(Signals, BenchLocalStack, ::testing::Values(SIGTERM, SIGKILL),
                         [](const auto& info) { return info.param == SIGTERM ? "SIGTERM" : "SIGKILL"; });

}  // namespace
}  // namespace mcph::bench
