#pragma once
// Private: reading and checking the registered claims of RFC 7519 §4.1.
#include <cstdint>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "mcph/jose/jwt.h"

namespace mcph::jose::detail {

struct RegisteredClaims {
  std::optional<std::string> iss, sub;
  std::optional<std::vector<std::string>> aud;  // a string aud becomes one element
  std::optional<std::int64_t> exp, nbf, iat;
};

// Throws JoseError(malformed) when a registered claim has the wrong JSON type.
RegisteredClaims read_registered_claims(const nlohmann::json& payload);

// Throws JoseError: missing_claim, wrong_issuer, wrong_audience, expired, not_yet_valid or
// issued_in_future, checked in that order.
void check_registered_claims(const RegisteredClaims& claims, const VerifyOptions& options,
                             std::int64_t now);

}  // namespace mcph::jose::detail
