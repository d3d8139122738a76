#pragma once
// Base64 with the standard alphabet and '=' padding (RFC 4648 §4), as HTTP Basic credentials,
// Vault's base64 policies and Keycloak's x5c/publicKey use it. For base64url see mcph/jose.
#include <optional>
#include <string>
#include <string_view>

namespace mcph::http {

std::string base64_encode(std::string_view bytes);
// Strict: a length that is a multiple of 4, only alphabet characters, and '=' only as the last
// one or two characters. Anything else (including whitespace and line breaks) is nullopt.
std::optional<std::string> base64_decode(std::string_view text);

}  // namespace mcph::http
