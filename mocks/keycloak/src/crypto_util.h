#pragma once
// The cryptographic helpers mock-keycloak uses: lib/openssl's, and its client secrets.
#include <string>

#include "mcph/openssl/crypto.h"

namespace mcph::mock_keycloak {

using openssl::check_password;
using openssl::constant_time_equals;
using openssl::hash_password;
using openssl::hmac_sha512;
using openssl::PasswordHash;
using openssl::random_bytes;
using openssl::random_uuid;
using openssl::sha1;
using openssl::sha256;

std::string random_secret();  // 32 URL-safe characters, like Keycloak's client secrets
// A user session's id as Keycloak 26.5 makes it (SecretGenerator's secure ids): 18 random bytes,
// base64url, 24 characters.
std::string random_session_id();

}  // namespace mcph::mock_keycloak
