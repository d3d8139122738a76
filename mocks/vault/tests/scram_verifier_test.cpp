// The SCRAM-SHA-256 verifier mock-vault writes for password_authentication=scram-sha-256 is
// byte for byte the one PostgreSQL makes for the same password and salt.
#include "scram_verifier.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <string>

#include "mcph/codec/base64.h"

namespace mcph::mock_vault {
namespace {

using ::testing::MatchesRegex;

// PostgreSQL 15's pg_authid.rolpassword after CREATE ROLE ... PASSWORD 'A1b2-C3d4E5f6G7h8I9j'
// with password_encryption = scram-sha-256.
constexpr const char* kPostgresVerifier =
    "SCRAM-SHA-256$4096:Ld6Casd/5CajAWL1RKn+xQ==$9uBjuE8/ZTiEaSpAS4hjbpUBdZbBwOd1jQa3vx6YlqY=:"
    "yXnZKpKtx8riSv3IzVsGVROBhG30X1vfjRzsatiVaW4=";

TEST(ScramVerifier, IsTheOnePostgresqlMakesForTheSamePasswordAndSalt) {
  const auto salt = codec::base64_decode("Ld6Casd/5CajAWL1RKn+xQ==");
  ASSERT_TRUE(salt);
  EXPECT_EQ(scram_sha256_verifier("A1b2-C3d4E5f6G7h8I9j", *salt, 4096), kPostgresVerifier);
  EXPECT_NE(scram_sha256_verifier("A1b2-C3d4E5f6G7h8I9k", *salt, 4096), kPostgresVerifier);
}

TEST(ScramVerifier, AFreshOneHasPostgresqlsDefaultsAndANewSaltEachTime) {
  const std::string first = scram_sha256_verifier("A1b2-C3d4E5f6G7h8I9j");
  const std::string second = scram_sha256_verifier("A1b2-C3d4E5f6G7h8I9j");
  // 16 salt bytes are 24 base64 characters; 32-byte keys are 44.
  EXPECT_THAT(first, MatchesRegex(R"(SCRAM-SHA-256\$4096:[A-Za-z0-9+/]{22}==\$[A-Za-z0-9+/]{43}=:[A-Za-z0-9+/]{43}=)"));
  EXPECT_NE(first, second);
  EXPECT_EQ(first.find("A1b2-C3d4E5f6G7h8I9j"), std::string::npos);
}

}  // namespace
}  // namespace mcph::mock_vault
