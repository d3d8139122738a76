// What the benchmarks say of how the machine's idle CPUs wait, read from a sysfs of the test's own.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <string>

#include "mcph/bench/cpu_idle.h"
#include "mcph/proc/temp_dir.h"

namespace mcph::bench {
namespace {

void write_sys_file(const std::filesystem::path& root, const std::string& file, const std::string& content) {
  std::filesystem::create_directories((root / file).parent_path());
  std::ofstream(root / file) << content;
}

TEST(CpuIdle, SaysTheDriverItsGovernorAndHaltPollsPollTime) {
  const proc::TempDir sys("cpu-idle");
  write_sys_file(sys.path(), "devices/system/cpu/cpuidle/current_driver", "haltpoll\n");
  write_sys_file(sys.path(), "devices/system/cpu/cpuidle/current_governor_ro", "haltpoll\n");
  write_sys_file(sys.path(), "module/haltpoll/parameters/guest_halt_poll_ns", "0\n");
  EXPECT_EQ(cpu_idle_state(sys.path()), "driver haltpoll, governor haltpoll, guest_halt_poll_ns 0");
}

TEST(CpuIdle, LeavesOutWhatTheMachineDoesNotHave) {
  const proc::TempDir sys("cpu-idle");
  write_sys_file(sys.path(), "devices/system/cpu/cpuidle/current_driver", "intel_idle\n");
  write_sys_file(sys.path(), "devices/system/cpu/cpuidle/current_governor_ro", "menu\n");
  EXPECT_EQ(cpu_idle_state(sys.path()), "driver intel_idle, governor menu");
}

TEST(CpuIdle, SaysNothingWhereSysfsSaysNothing) {
  const proc::TempDir sys("cpu-idle");
  write_sys_file(sys.path(), "devices/system/cpu/cpuidle/current_driver", "\n");
  EXPECT_EQ(cpu_idle_state(sys.path()), "");
}

}  // namespace
}  // namespace mcph::bench
