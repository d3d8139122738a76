#pragma once
#include "mcph/http/server.h"
#include "model.h"

namespace mcph::mock_cognito {

// POST / (the cognito-idp actions), GET /health, and each pool's
// /<pool>/.well-known/jwks.json and /<pool>/.well-known/openid-configuration.
void add_routes(http::Server& server, MockCognito::State& state);

}  // namespace mcph::mock_cognito
