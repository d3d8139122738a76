#pragma once
// Small cryptographic helpers on OpenSSL: random bytes and identifiers, digests, a comparison
// that takes the same time wherever the inputs differ, and the salted password digests the
// stand-ins keep in memory.
#include <cstddef>
#include <string>
#include <string_view>

namespace mcph::openssl {

std::string random_bytes(std::size_t count);
// `count` characters drawn uniformly from `alphabet` (at most 256 characters).
std::string random_text(std::string_view alphabet, std::size_t count);
std::string random_uuid();  // RFC 4122 version 4, lower-case
std::string sha1(std::string_view bytes);
std::string sha256(std::string_view bytes);
// Any key, however short (jose's HS256 refuses keys under 32 bytes; a forger does not).
std::string hmac_sha256(std::string_view key, std::string_view data);
std::string hmac_sha512(std::string_view key, std::string_view data);
bool constant_time_equals(std::string_view a, std::string_view b);

// A salted password hash. The real servers use slow hashes by design (Keycloak PBKDF2, Cognito
// SRP verifiers); the stand-ins keep passwords only in memory and must answer fast, so one
// salted SHA-256 is enough to keep them out of dumps.
struct PasswordHash {
  std::string salt;
  std::string digest;
};
PasswordHash hash_password(std::string_view password);
bool check_password(const PasswordHash& hash, std::string_view password);

}  // namespace mcph::openssl
