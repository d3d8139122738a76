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

}  // namespace mcph::mock_keycloak
