#pragma once
// Is a service of a stack file answering? One cheap probe per service, the same for local,
// compose and external stacks (public endpoints only).
#include <chrono>
#include <optional>
#include <string>

#include "mcph/harness/stack/stack_file.h"

namespace mcph::harness::stack {

struct Health {
  bool ok = false;
  std::string detail;  // "HTTP 200 from GET /health", "accepts TCP connections", the error
};

// The service table's health check of `name` (service_table.h): GET <origin>/health for the MCP
// servers (and any service with a transport, or named *-mcp), Keycloak's OpenID discovery
// document of the realm, Vault's /v1/sys/health; a TCP connection for the others (postgres, the
// mock backends) and for names the table does not know. An entry with a health_url (a native
// Keycloak's management interface, SPIRE's health listener) is asked there instead.
Health check_health(const std::string& name, const ServiceEntry& service, const std::string& realm,
                    std::chrono::milliseconds timeout);

// GET `url`: nullopt when it answers 200, else why not ("HTTP 503 from GET /x", the transport
// error). Never throws.
std::optional<std::string> http_get_failure(const std::string& url, std::chrono::milliseconds timeout);

}  // namespace mcph::harness::stack
