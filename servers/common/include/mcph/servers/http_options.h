#pragma once
// The HTTP options every reference MCP server starts from: its name, --port and --host, and
// every worker serving at once.
#include <string>

#include "mcph/cli/flags.h"
#include "mcph/http/server.h"

namespace mcph::servers {

// Every call of these servers waits before it answers (Vault, the backend, PostgreSQL, OPA), so a
// run slot (mcph/http/run_slot.h) would change hands at each call: another worker woken for the
// slot, and this one queued for a slot again once it has answered. Measured, that cost
// postgres-mcp 10-20 % of its calls/s and raised its p99 at 256 connections. Their workers all
// serve at once, so their waits (the broker's, the JWKS cache's, PostgreSQL's, OPA's) release no
// slot; the stand-ins, whose requests compute without waiting, keep the default.
http::ServerOptions http_options_of(const std::string& name, const cli::Flags& flags);

}  // namespace mcph::servers
