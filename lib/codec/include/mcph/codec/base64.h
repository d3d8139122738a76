#pragma once
// Base64 in its two alphabets (RFC 4648), one codec for the whole project:
//  - base64: the standard alphabet with '=' padding (§4), as HTTP Basic credentials, Vault's
//    base64 policies and Keycloak's x5c/publicKey use it;
//  - base64url: the URL-safe alphabet without padding (§5; RFC 7515 §2), as JOSE uses it.
// Decoding is strict in both: anything a conforming encoder would not write is nullopt.
#include <optional>
#include <string>
#include <string_view>

namespace mcph::codec {

std::string base64_encode(std::string_view bytes);
// A length that is a multiple of 4, only alphabet characters, and '=' only as the last one or
// two characters. Anything else (including whitespace and line breaks) is nullopt.
std::optional<std::string> base64_decode(std::string_view text);

std::string base64url_encode(std::string_view bytes);
// Nullopt for characters outside the base64url alphabet, for padding, for an impossible length
// (length % 4 == 1) and for non-canonical text whose unused trailing bits are not zero (so one
// byte string has exactly one encoding and a token cannot be altered without changing its bytes).
std::optional<std::string> base64url_decode(std::string_view text);

}  // namespace mcph::codec
