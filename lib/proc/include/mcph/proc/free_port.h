#pragma once

namespace mcph::proc {

// A loopback TCP port that was free a moment ago, for programs that cannot be told to bind
// port 0 and report it (PostgreSQL). Callers retry when the program then fails to bind.
int free_loopback_port();

}  // namespace mcph::proc
