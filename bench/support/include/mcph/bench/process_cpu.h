#pragma once
// The CPU a process has used, every thread of it summed, in microseconds: the first field of each
// /proc/<pid>/task/<tid>/schedstat (nanoseconds on a CPU). A benchmark reads it around its timed
// loop to say what a server spent of its own CPU a call, which scheduling on a busy or idle
// machine does not move as it moves a latency. Threads that ended in between are not counted.
#include <optional>

namespace mcph::bench {

// None when the process is not there to read (a stack not started here: pid 0, another machine).
std::optional<double> process_cpu_us(int pid);

}  // namespace mcph::bench
