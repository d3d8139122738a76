#pragma once
// Is a service of a stack file answering? One cheap probe per service, the same for local,
// compose and external stacks (public endpoints only).
#include <chrono>
#include <string>

#include "mcph/harness/stack_file.h"

namespace mcph::harness::cli {

struct Health {
  bool ok = false;
  std::string detail;  // "HTTP 200 from GET /health", "accepts TCP connections", the error
};

// MCP servers (a service with a transport, or named *-mcp): GET <origin>/health.
// keycloak: GET /realms/<realm>/.well-known/openid-configuration. vault: GET /v1/sys/health.
// Anything else (postgres, the mock backends): a TCP connection to its host and port.
Health check_health(const std::string& name, const ServiceEntry& service, const std::string& realm,
                    std::chrono::milliseconds timeout);

// The URL with the password of its user info replaced by ****.
std::string mask_url_password(const std::string& url);

}  // namespace mcph::harness::cli
