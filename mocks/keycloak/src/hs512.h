#pragma once
// HS512 compact JWS, which lib/jose does not offer: Keycloak signs refresh tokens with the
// realm's HMAC key (hmac-generated-hs512).
#include <functional>
#include <optional>
#include <string>
#include <string_view>

namespace mcph::mock_keycloak {

std::string sign_hs512(std::string_view secret, std::string_view kid, std::string_view payload_json);

// The payload when the token is a compact JWS with alg HS512 whose signature checks with the
// secret that secret_for_kid returns for its kid; nullopt for anything else.
std::optional<std::string> verify_hs512(
    std::string_view token, const std::function<const std::string*(const std::string& kid)>& secret_for_kid);

// The header's "alg", or empty when the token is not a compact JWS with a JSON header.
std::string jws_alg(std::string_view token);

}  // namespace mcph::mock_keycloak
