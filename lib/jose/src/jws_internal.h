#pragma once
// Private helpers shared by signing and token verification.
#include <optional>
#include <string>

#include "mcph/jose/jws.h"

namespace mcph::jose::detail {

inline constexpr std::size_t kMinHmacSecretBytes = 32;  // RFC 7518 §3.2 for HS256

// Why key cannot be used with alg (wrong type, or too weak), or nullopt when it can.
std::optional<std::string> why_key_unusable(const Key& key, Alg alg);

}  // namespace mcph::jose::detail
