#pragma once
// Shared test helpers: keys generated once per process, a Keycloak-like claim set pinned to a
// fixed clock, and a checker that a rejection has the right kind and a safe message.
#include <gtest/gtest.h>

#include <cstdint>
#include <nlohmann/json.hpp>
#include <string>
#include <string_view>

#include "mcph/jose/jwk.h"
#include "mcph/jose/jws.h"
#include "mcph/jose/jwt.h"
#include "mcph/jose/key.h"

namespace mcph::jose::testing {

inline constexpr std::int64_t kNow = 1'700'000'000;  // the pinned clock of every test
inline constexpr std::string_view kIssuer = "http://127.0.0.1:41001/realms/mcp-demo";
inline constexpr std::string_view kAudience = "mcp-client";

// Generated once; RSA generation is slow enough to matter when repeated.
const Key& rsa_key();
const Key& other_rsa_key();
const Key& ec_key();
const Key& hmac_key();  // a 32-byte secret

// Claims like a Keycloak access token for alice, valid at kNow (issued 10 s before, 300 s life).
nlohmann::json keycloak_claims();
// Options a resource server would use for those tokens, clock pinned to kNow.
VerifyOptions keycloak_options();
// A set holding the public half of rsa_key() under kid "rsa-1".
JwkSet rsa_key_set();

// Signs claims as an RS256 JWT with rsa_key() under kid "rsa-1".
std::string rsa_token(const nlohmann::json& claims, std::string_view kid = "rsa-1");

// Expects verify_jwt to throw JoseError of `kind`, with a message that contains
// `message_part` (when given) and never the token or any of its parts.
void expect_rejected(std::string_view token, const JwkSet& keys, const VerifyOptions& options,
                     ErrorKind kind, std::string_view message_part = {});

// The kind of JoseError `action` throws; fails the test when it throws none.
template <typename Action>
ErrorKind jose_error_kind(Action&& action) {
  try {
    action();
  } catch (const JoseError& error) {
    return error.kind();
  }
  ADD_FAILURE() << "expected a JoseError";
  return ErrorKind::malformed;
}

}  // namespace mcph::jose::testing
