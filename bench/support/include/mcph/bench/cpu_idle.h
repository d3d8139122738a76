#pragma once
// How this machine's idle CPUs wait, which selects what a loopback round trip costs: a request
// that finds the other CPU halted waits for it to be woken, and in a virtual machine that wake
// goes through the hypervisor (tens of microseconds). A guest's haltpoll driver polls for a
// while before it halts; guest_halt_poll_ns 0 turns that off. The benchmarks print this beside
// their results so that a floor can be read for what it is (docs/benchmarks.md).
#include <filesystem>
#include <string>

namespace mcph::bench {

// "driver haltpoll, governor haltpoll, guest_halt_poll_ns 0": what sysfs under `sys_root` says
// of the cpuidle driver, its governor and haltpoll's poll time, each left out when absent;
// empty when it says none of them.
std::string cpu_idle_state(const std::filesystem::path& sys_root = "/sys");

}  // namespace mcph::bench
