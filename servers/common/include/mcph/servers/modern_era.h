#pragma once
// What the reference servers add for the modern era (protocol 2026-07-28): the caller's own
// identity as a per-user resource (resources/list and resources/read, cacheScope private), and
// the UNSAFE switches that turn the mcp-2026 family red, one defect each.
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>

#include "mcph/cli/flags.h"
#include "mcph/mcp/server.h"

namespace mcph::servers {

void declare_modern_era_flags(cli::Flags& flags);
// The switches of lib/mcp's modern era, from the flags.
void apply_modern_era_flags(const cli::Flags& flags, mcp::ServerOptions& options);

// user://<preferred_username>/identity for each caller: who the token says it is, to that
// caller alone (another caller's URI is not found).
mcp::ResourceSource identity_resource(std::string server_name);

// UNSAFE (--unsafe-cache-reads-across-users): `source` with its reads cached by URI alone, whoever
// asks: the defect cacheScope private exists to prevent, inside the server.
mcp::ResourceSource cached_by_uri(mcp::ResourceSource source);

// UNSAFE (--unsafe-remember-caller-by-address): a modern request (Mcp-Method) without a token
// is served as the last caller authenticated from the same address, as if a connection's
// authentication outlived its request.
class CallerByAddress {
 public:
  std::optional<mcp::Principal> recall(const http::Request& request) const;
  void remember(const http::Request& request, const mcp::Principal& principal);

 private:
  mutable std::mutex mutex_;
  std::map<std::string, mcp::Principal> by_address_;
};

}  // namespace mcph::servers
