#pragma once
// Client authentication at the token, logout and introspection endpoints (Keycloak's
// client-secret authenticator: client_secret_post or client_secret_basic; public clients name
// themselves with client_id).
#include "mcph/http/message.h"
#include "model.h"

namespace mcph::mock_keycloak {

// Throws KeycloakError as the token endpoint answers: no client_id → 400 invalid_client
// "Missing client_id parameter"; unknown or disabled client → 401 invalid_client; missing or
// wrong secret → 401 unauthorized_client ("Invalid client or Invalid client credentials").
Client& authenticate_client(Realm& realm, const http::Request& request, const http::Fields& form);

}  // namespace mcph::mock_keycloak
