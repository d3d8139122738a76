#pragma once
#include <optional>
#include <vector>

namespace mcph::proc {

// A loopback TCP port that was free a moment ago, for programs that cannot be told to bind
// port 0 and report it (PostgreSQL, Keycloak, Vault). Chosen at random outside the kernel's
// ephemeral range (net.ipv4.ip_local_port_range) where that leaves room, so that no outgoing
// connection takes it before the program binds it; only another caller's choice can, which
// callers that can retry still do.
int free_loopback_port();

// `count` such ports, no two the same: for one program that binds several (SPIRE's server, its
// bundle endpoint and health checks), which two independent picks could give the same port.
std::vector<int> free_loopback_ports(int count);

// The ports free_loopback_port picks from, both included: 10000 up to the ephemeral range's start,
// else past its end up to 65535; none when neither leaves 4096 ports (then it takes any free one).
struct PortRange {
  int first = 0;
  int last = 0;
};
std::optional<PortRange> ports_outside_the_ephemeral_range();

}  // namespace mcph::proc
