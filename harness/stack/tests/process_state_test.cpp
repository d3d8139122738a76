#include "mcph/harness/stack/process_state.h"

#include <gtest/gtest.h>
#include <sys/wait.h>
#include <unistd.h>

#include <csignal>

namespace mcph::harness::stack {
namespace {

using namespace std::chrono_literals;

TEST(ProcessStateTest, ThisProcessIsAliveWithItsOwnStartTime) {
  const auto ticks = process_start_ticks(::getpid());
  ASSERT_TRUE(ticks.has_value());
  EXPECT_TRUE(process_alive(::getpid()));
  EXPECT_TRUE(process_is(::getpid(), *ticks));
  EXPECT_TRUE(process_is(::getpid(), 0));  // 0: any start time
  // A recorded pid whose process started at another time is another process.
  EXPECT_FALSE(process_is(::getpid(), *ticks + 1));
}

TEST(ProcessStateTest, AnExitedChildIsGoneBeforeAndAfterItIsReaped) {
  const pid_t child = ::fork();
  ASSERT_GE(child, 0);
  if (child == 0) ::_exit(0);
  // Not reaped yet: a zombie, which no longer runs anything.
  EXPECT_TRUE(wait_until_gone(child, 10s));
  EXPECT_FALSE(process_alive(child));
  EXPECT_TRUE(process_start_ticks(child).has_value());  // still in /proc until reaped
  int status = 0;
  ASSERT_EQ(::waitpid(child, &status, 0), child);
  EXPECT_FALSE(process_alive(child));
  EXPECT_FALSE(process_start_ticks(child).has_value());
}

TEST(ProcessStateTest, AServiceProcessLeadsItsGroupAndStartedAfterTheSupervisor) {
  const auto before = process_start_ticks(::getpid()).value();
  const pid_t child = ::fork();
  ASSERT_GE(child, 0);
  if (child == 0) {
    ::setpgid(0, 0);
    ::pause();
    ::_exit(0);
  }
  ::setpgid(child, child);
  EXPECT_TRUE(service_process_alive(child, before));
  EXPECT_FALSE(service_process_alive(child, process_start_ticks(child).value() + 1));
  ::kill(child, SIGKILL);
  int status = 0;
  ::waitpid(child, &status, 0);
  EXPECT_FALSE(service_process_alive(child, before));
}

TEST(ProcessStateTest, NoSuchProcess) {
  EXPECT_FALSE(process_alive(0));
  EXPECT_FALSE(process_alive(-1));
  EXPECT_FALSE(process_alive(0x3fffffff));
  EXPECT_FALSE(process_start_ticks(0x3fffffff).has_value());
  EXPECT_TRUE(wait_until_gone(0x3fffffff, 0ms));
}

}  // namespace
}  // namespace mcph::harness::stack
