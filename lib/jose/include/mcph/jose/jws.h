#pragma once
// Compact JWS (RFC 7515) signing and signature checking for RS256, ES256 and HS256.
#include <optional>
#include <string>
#include <string_view>

#include "mcph/jose/key.h"

namespace mcph::jose {

enum class Alg { RS256, ES256, HS256 };

std::string_view to_string(Alg alg);
std::optional<Alg> alg_from_string(std::string_view name);
// True when alg may be used with this key type (RS256↔RSA, ES256↔EC P-256, HS256↔oct).
bool alg_fits_key(Alg alg, KeyType type);

// Raw signature over the JWS signing input (ES256 in the 64-byte R||S form of RFC 7518 §3.4).
// Both throw JoseError(unsupported_algorithm) when alg does not fit the key or the key is too
// weak for it (an HS256 secret under 32 bytes); sign_bytes throws std::invalid_argument for a
// public-only key. verify_bytes answers false for any signature that does not verify,
// including one of the wrong length.
std::string sign_bytes(const Key& key, Alg alg, std::string_view signing_input);
bool verify_bytes(const Key& key, Alg alg, std::string_view signing_input,
                  std::string_view signature);

// base64url(header) "." base64url(payload) "." base64url(signature), with the header and
// payload bytes exactly as given (so published test vectors can be reproduced).
std::string sign_compact(const Key& key, Alg alg, std::string_view header_json,
                         std::string_view payload_json);

// Builds the header {"alg":…,"typ":"JWT"[,"kid":…]} and signs payload_json with it.
std::string sign_jwt(const Key& key, Alg alg, std::string_view payload_json,
                     std::string_view kid = {});

// The three parts of a compact JWS, decoded but not checked.
struct CompactJws {
  std::string header_json;
  std::string payload_json;
  std::string signature;       // raw bytes
  std::string signing_input;   // first two parts as they appeared
};
// Throws JoseError(malformed) for anything that is not three base64url parts or whose header
// part is empty (an empty payload or signature is legal JWS; verify_jwt refuses both).
CompactJws split_compact(std::string_view token);

}  // namespace mcph::jose
