#pragma once
// The SCRAM-SHA-256 verifier PostgreSQL stores for a password (RFC 5802, RFC 7677):
// "SCRAM-SHA-256$<iterations>:<salt>$<StoredKey>:<ServerKey>", each part in standard base64.
// Vault's PostgreSQL plugin computes it when a connection config says
// password_authentication=scram-sha-256 and writes it where {{password}} stands, so PostgreSQL
// stores it as it is: the password never reaches the server, its logs or pg_stat_activity.
#include <string>
#include <string_view>

namespace mcph::mock_vault {

// PostgreSQL's defaults, which Vault's plugin uses too: 4,096 iterations, a 16-byte salt.
inline constexpr int kScramIterations = 4096;
inline constexpr std::size_t kScramSaltBytes = 16;

// With a fresh random salt.
std::string scram_sha256_verifier(std::string_view password);
// With the given salt and iterations (a known salt reproduces a verifier PostgreSQL made). Like
// Vault's plugin, it does not SASLprep the password: the same bytes for the ASCII passwords
// Vault generates.
std::string scram_sha256_verifier(std::string_view password, std::string_view salt, int iterations);

}  // namespace mcph::mock_vault
