// A process's CPU, read from its threads' schedstat.
#include <time.h>
#include <unistd.h>

#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <thread>

#include "mcph/bench/process_cpu.h"

namespace mcph::bench {
namespace {

// Works until this thread has had `length` of CPU, however busy the machine is.
void spin_for(std::chrono::milliseconds length) {
  const auto thread_cpu = [] {
    timespec now{};
    ::clock_gettime(CLOCK_THREAD_CPUTIME_ID, &now);
    return std::chrono::seconds(now.tv_sec) + std::chrono::nanoseconds(now.tv_nsec);
  };
  const auto until = thread_cpu() + length;
  volatile unsigned sink = 0;
  while (thread_cpu() < until) sink = sink + 1;
}

TEST(ProcessCpu, CountsWorkOnEveryThreadAndNotSleep) {
  const auto before = process_cpu_us(::getpid());
  ASSERT_TRUE(before.has_value());
  std::atomic<bool> read{false};
  std::thread other([&] {
    spin_for(std::chrono::milliseconds(30));
    while (!read) std::this_thread::sleep_for(std::chrono::milliseconds(1));  // still there when read
  });
  spin_for(std::chrono::milliseconds(30));
  std::this_thread::sleep_for(std::chrono::milliseconds(100));
  const auto during = process_cpu_us(::getpid());
  read = true;
  other.join();
  ASSERT_TRUE(during.has_value());
  EXPECT_GE(*during - *before, 58'000) << "both threads' 30 ms of work";
  EXPECT_LT(*during - *before, 100'000) << "the 100 ms asleep counted";
}

TEST(ProcessCpu, IsNoneForAProcessNotHere) {
  EXPECT_FALSE(process_cpu_us(0).has_value());
  EXPECT_FALSE(process_cpu_us(-1).has_value());
  EXPECT_FALSE(process_cpu_us(999'999'999).has_value());
}

}  // namespace
}  // namespace mcph::bench
