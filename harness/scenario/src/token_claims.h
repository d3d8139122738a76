#pragma once
// The claims of a JWT, read without verifying it: for traces, for knowing when a token expires
// and whom a server's limiter counts it against — never for trust.
#include <nlohmann/json.hpp>
#include <string>

#include "mcph/jose/jwt.h"

namespace mcph::harness::scenario {

// The payload as JSON; null when the text is not a JWT.
inline nlohmann::json unverified_claims(const std::string& token) {
  const auto payload = jose::unverified_payload(token);
  return payload ? nlohmann::json::parse(*payload, nullptr, false) : nlohmann::json(nullptr);
}

}  // namespace mcph::harness::scenario
