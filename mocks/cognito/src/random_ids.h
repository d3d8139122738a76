#pragma once
// Cognito's random identifiers, on lib/openssl's generator, and the helpers mock-cognito takes
// from lib/openssl as they are.
#include <cstddef>
#include <string>

#include "mcph/openssl/crypto.h"

namespace mcph::mock_cognito {

using openssl::check_password;
using openssl::constant_time_equals;
using openssl::hash_password;
using openssl::PasswordHash;
using openssl::random_uuid;

// `count` characters of [a-zA-Z0-9] (pool id suffixes) or [a-z0-9] (client ids).
std::string random_alnum(std::size_t count);
std::string random_lower_alnum(std::size_t count);
std::string random_token(std::size_t bytes);  // base64url of random bytes (opaque tokens, secrets)

}  // namespace mcph::mock_cognito
