#pragma once
// Private: ECDSA signatures between OpenSSL's DER form and JOSE's fixed-width R||S form
// (RFC 7518 §3.4).
#include <optional>
#include <string>
#include <string_view>

namespace mcph::jose::detail {

// nullopt when der is not an ECDSA-Sig-Value or R or S is wider than coordinate_bytes.
std::optional<std::string> ecdsa_der_to_jose(std::string_view der, std::size_t coordinate_bytes);
// nullopt when jose is not exactly 2 * coordinate_bytes long.
std::optional<std::string> ecdsa_jose_to_der(std::string_view jose, std::size_t coordinate_bytes);

}  // namespace mcph::jose::detail
