#pragma once
// How many threads a process runs now (/proc/PID/status): this one, or a child, for tests that
// check nothing is left running or that a server does not grow a thread per connection. -1
// when it cannot be read.
#include <sys/types.h>

namespace mcph::proc {

int thread_count();
int thread_count(pid_t pid);

}  // namespace mcph::proc
