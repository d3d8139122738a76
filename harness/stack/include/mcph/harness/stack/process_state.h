#pragma once
// What /proc says about a process named in a stack file (which may be stale: the process may be
// gone, a zombie nobody reaped, or its pid reused by an unrelated process).
#include <sys/types.h>

#include <chrono>
#include <cstdint>
#include <optional>

namespace mcph::harness::stack {

// The process exists and is not a zombie.
bool process_alive(pid_t pid);

// Its start time in clock ticks since boot (/proc/<pid>/stat field 22); nullopt when gone.
std::optional<std::uint64_t> process_start_ticks(pid_t pid);

// Alive, and started at `start_ticks` exactly (when it is non-zero): the same process that was
// recorded, not a later one that reused its pid.
bool process_is(pid_t pid, std::uint64_t start_ticks);

// Alive, leads its own process group (as every service of a local stack does) and started no
// earlier than `not_before` ticks: safe to treat as a service a stack file names.
bool service_process_alive(pid_t pid, std::uint64_t not_before);

// Polls until process_alive(pid) is false or the timeout passes (an exited child that is not
// reaped yet counts as gone; this never reaps). Returns true when it is gone.
bool wait_until_gone(pid_t pid, std::chrono::milliseconds timeout);

}  // namespace mcph::harness::stack
