#include "mcph/servers/slow_warm_path.h"

#include <algorithm>
#include <chrono>
#include <thread>

namespace mcph::servers {

void declare_slow_warm_path_flag(cli::Flags& flags) {
  flags.option("unsafe-slow-warm-path-ms", "0",
               "UNSAFE, for the benchmark guard's sabotage test: every MCP request waits this long before its caller "
               "is checked (GET /health does not), a slowdown bench/warm_path_guard must catch",
               "MCPH_UNSAFE_SLOW_WARM_PATH_MS");
}

void apply_slow_warm_path_flag(const cli::Flags& flags, mcp::ServerOptions& options) {
  const std::chrono::milliseconds wait(std::max(0, flags.get_int("unsafe-slow-warm-path-ms")));
  if (wait.count() == 0) return;
  options.authenticate = [wait, authenticate = std::move(options.authenticate)](const http::Request& request) {
    std::this_thread::sleep_for(wait);
    return authenticate(request);
  };
}

}  // namespace mcph::servers
