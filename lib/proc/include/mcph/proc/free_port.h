#pragma once

namespace mcph::proc {

// A loopback TCP port that was free a moment ago, for programs that cannot be told to bind
// port 0 and report it (PostgreSQL, Keycloak, Vault). Chosen at random outside the kernel's
// ephemeral range (net.ipv4.ip_local_port_range) where that leaves room, so that no outgoing
// connection takes it before the program binds it; only another caller's choice can, which
// callers that can retry still do.
int free_loopback_port();

}  // namespace mcph::proc
