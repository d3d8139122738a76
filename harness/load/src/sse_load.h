#pragma once
// The load of run_load over MCP's HTTP+SSE transport (2024-11-05), whose answers come on a
// second, long-lived stream a session keeps open: each connection is a thread with an
// mcp::Client per user it acts for (that user's stream, opened at their first call and timed as
// a setup), each call POSTed to its user's session and its answer awaited on that stream. Same
// options, records and report as the epoll driver; a session's setup is three requests (the
// GET, initialize, notifications/initialized).
#include <cstddef>

#include "mcph/harness/load/load_driver.h"

namespace mcph::harness::load {

inline constexpr std::size_t kMaxSseConnections = 256;

// Throws std::invalid_argument beyond kMaxSseConnections connections.
LoadReport run_sse_load(const LoadOptions& options);

}  // namespace mcph::harness::load
