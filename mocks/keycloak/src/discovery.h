#pragma once
// The realm's public documents: /.well-known/openid-configuration, the JWKS and /realms/{realm}.
#include <string>

#include <nlohmann/json.hpp>

#include "model.h"

namespace mcph::mock_keycloak {

nlohmann::ordered_json openid_configuration(const std::string& issuer);
nlohmann::ordered_json jwks(const Realm& realm);  // every enabled RSA key, sig and enc
nlohmann::ordered_json realm_info(const Realm& realm, const std::string& issuer);

}  // namespace mcph::mock_keycloak
