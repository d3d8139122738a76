#pragma once
#include <cstdint>

// The kernel's count, for the whole machine, of connections dropped because a listen queue was
// full (TcpExtListenOverflows in /proc/net/netstat, what `nstat -az TcpExtListenOverflows`
// shows); -1 when it cannot be read.
namespace mcph::proc {

std::int64_t listen_overflows();

}  // namespace mcph::proc
