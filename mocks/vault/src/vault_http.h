#pragma once
// The HTTP face of mock-vault: /v1/... requests become VaultRequests (verbs to operations, JSON
// bodies and query strings to data, X-Vault-Token or Bearer to the token) and VaultResponses
// become Vault's JSON envelope or {"errors":[...]}.
#include "mcph/http/server.h"

namespace mcph::mock_vault {

class Core;

void install_routes(http::Server& server, Core& core);
// Vault-shaped rendering of errors the HTTP layer produces itself (413, malformed requests).
void format_http_error(int status, std::string_view message, http::Response& response);

}  // namespace mcph::mock_vault
