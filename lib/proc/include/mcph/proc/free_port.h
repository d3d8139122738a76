#pragma once
#include <optional>
#include <string_view>
#include <vector>

#include "mcph/proc/child_process.h"

namespace mcph::proc {

// A loopback TCP port that was free a moment ago, for programs that cannot be told to bind
// port 0 and report it (PostgreSQL, Keycloak, Vault). Chosen at random outside the kernel's
// ephemeral range (net.ipv4.ip_local_port_range) where that leaves room, so that no outgoing
// connection takes it before the program binds it; only another caller's choice can
// (start_on_free_loopback_ports starts the program again on new ports then).
int free_loopback_port();

// `count` such ports, no two the same: for one program that binds several (SPIRE's server, its
// bundle endpoint and health checks), which two independent picks could give the same port.
std::vector<int> free_loopback_ports(int count);

// A TCP socket listening on 127.0.0.1 on a port the kernel picked (a bind to port 0), and that
// port: for a test's own small server. The caller closes fd. Throws std::runtime_error when the
// kernel gives no socket or port.
struct LoopbackListener {
  int fd = -1;
  int port = 0;
};
LoopbackListener listen_on_loopback(int backlog);

// Whether a program's failure to start, as a ProcessError says it with the end of its log, was a
// port another program had bound ("Address already in use": nginx, PostgreSQL, Go's servers).
bool says_port_taken(std::string_view error);

// Starts a program on `count` ports from free_loopback_ports: `start(ports)`, and again on new
// ones while it fails because one of them was taken between the pick and the bind (another
// program's pick can land on the same port), up to `attempts` times in all. Returns what `start`
// returns; any other failure, or the last, is thrown as it came.
template <typename Start>
auto start_on_free_loopback_ports(int count, Start&& start, int attempts = 3) {
  for (int attempt = 1;; ++attempt) {
    try {
      return start(free_loopback_ports(count));
    } catch (const ProcessError& e) {
      if (attempt >= attempts || !says_port_taken(e.what())) throw;
    }
  }
}

// The ports free_loopback_port picks from, both included: 10000 up to the ephemeral range's start,
// else past its end up to 65535; none when neither leaves 4096 ports (then it takes any free one).
struct PortRange {
  int first = 0;
  int last = 0;
};
std::optional<PortRange> ports_outside_the_ephemeral_range();

}  // namespace mcph::proc
