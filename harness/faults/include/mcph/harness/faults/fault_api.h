#pragma once
// Toxiproxy's HTTP API (v2) over a FaultProxy, so Toxiproxy's own clients (toxiproxy-go,
// toxiproxy-ruby, toxiproxy-cli, …) drive mcp-fault-proxy unchanged:
//   GET  /proxies                       every proxy with its toxics, by name
//   POST /proxies                       {name, listen, upstream, enabled?} → 201 the proxy
//   POST /populate                      [{name, listen, upstream, enabled?}, …] → 201 {"proxies":[…]}
//   GET|POST|PATCH|DELETE /proxies/{p}  show, change (listen/upstream/enabled: false is "down"), delete (204)
//   GET|POST /proxies/{p}/toxics        list; add {name?, type, stream?, toxicity?, attributes} → 200
//   GET|POST|PATCH|DELETE /proxies/{p}/toxics/{t}   show, change {attributes?, toxicity?}, delete (204)
//   POST /reset                         every proxy enabled, every toxic removed → 204
//   GET  /version
// A toxic may carry "seed" (a whole number, mcp-fault-proxy's own field, which Toxiproxy ignores):
// its draws — toxicity, jitter, size_variation — then repeat with the seed (fault_proxy.h).
// Errors are Toxiproxy's: {"error": "proxy not found", "status": 404}.
#include <string>
#include <string_view>
#include <vector>

#include "mcph/harness/faults/fault_proxy.h"
#include "mcph/http/server.h"

namespace mcph::harness::faults {

// The error shape, for the server's ServerOptions::error_formatter.
void toxiproxy_error(int status, std::string_view message, http::Response& response);

void mount_fault_api(FaultProxy& proxies, http::Server& server);

// A Toxiproxy config or populate document ([{"name","listen","upstream","enabled"}, …]): each
// proxy created, or replaced when one of that name exists. Throws FaultError (400 for a bad
// document, or the first proxy's failure).
std::vector<ProxyInfo> populate(FaultProxy& proxies, const std::string& json);

}  // namespace mcph::harness::faults
