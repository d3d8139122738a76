#pragma once
// base64url without padding (RFC 7515 §2, RFC 4648 §5).
#include <optional>
#include <string>
#include <string_view>

namespace mcph::jose {

std::string base64url_encode(std::string_view bytes);
// Returns nullopt for characters outside the base64url alphabet, for padding, for an
// impossible length (length % 4 == 1) and for non-canonical text whose unused trailing bits
// are not zero (so one byte string has exactly one encoding and a token cannot be altered
// without changing its bytes).
std::optional<std::string> base64url_decode(std::string_view text);

}  // namespace mcph::jose
