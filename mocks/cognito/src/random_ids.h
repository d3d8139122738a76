#pragma once
// Random identifiers and the salted password digest, on OpenSSL's generator.
#include <cstddef>
#include <string>
#include <string_view>

namespace mcph::mock_cognito {

std::string random_uuid();  // RFC 4122 version 4, lower-case
// `count` characters of [a-zA-Z0-9] (pool id suffixes) or [a-z0-9] (client ids).
std::string random_alnum(std::size_t count);
std::string random_lower_alnum(std::size_t count);
std::string random_token(std::size_t bytes);  // base64url of random bytes (opaque tokens, secrets)

// The mock keeps passwords only in memory; one salted SHA-256 keeps them out of dumps.
struct PasswordDigest {
  std::string salt;
  std::string digest;
};
PasswordDigest digest_password(std::string_view password);
bool password_matches(const PasswordDigest& stored, std::string_view password);
bool constant_time_equals(std::string_view a, std::string_view b);

}  // namespace mcph::mock_cognito
