#pragma once
// Small cryptographic helpers on OpenSSL: identifiers, digests, password hashes.
#include <cstddef>
#include <string>
#include <string_view>

namespace mcph::mock_keycloak {

std::string random_bytes(std::size_t count);
std::string random_uuid();                          // RFC 4122 version 4, lower-case
std::string random_secret();                        // 32 URL-safe characters, like Keycloak's client secrets
std::string sha1(std::string_view bytes);
std::string sha256(std::string_view bytes);
std::string hmac_sha512(std::string_view key, std::string_view data);
bool constant_time_equals(std::string_view a, std::string_view b);

// A salted password hash. Keycloak uses PBKDF2 (slow by design); the mock keeps passwords only
// in memory and must answer fast, so one salted SHA-256 is enough to keep them out of dumps.
struct PasswordHash {
  std::string salt;
  std::string digest;
};
PasswordHash hash_password(std::string_view password);
bool check_password(const PasswordHash& hash, std::string_view password);

}  // namespace mcph::mock_keycloak
