#pragma once
// How many threads this process runs now (/proc/self/status), for tests that check nothing
// is left running. -1 when it cannot be read.
namespace mcph::proc {

int thread_count();

}  // namespace mcph::proc
