#include "scram_verifier.h"

#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <openssl/sha.h>

#include <array>
#include <stdexcept>

#include "common.h"
#include "mcph/codec/base64.h"

namespace mcph::mock_vault {
namespace {

using Digest = std::array<unsigned char, SHA256_DIGEST_LENGTH>;

std::string_view as_text(const Digest& digest) {
  return {reinterpret_cast<const char*>(digest.data()), digest.size()};
}

Digest hmac_sha256(const Digest& key, std::string_view message) {
  Digest out{};
  unsigned int length = 0;
  if (HMAC(EVP_sha256(), key.data(), static_cast<int>(key.size()), reinterpret_cast<const unsigned char*>(message.data()),
           message.size(), out.data(), &length) == nullptr) {
    throw std::runtime_error("HMAC-SHA256 failed");
  }
  return out;
}

}  // namespace

std::string scram_sha256_verifier(std::string_view password) {
  return scram_sha256_verifier(password, random_bytes(kScramSaltBytes), kScramIterations);
}

std::string scram_sha256_verifier(std::string_view password, std::string_view salt, int iterations) {
  Digest salted{};  // SaltedPassword := Hi(password, salt, i), that is PBKDF2-HMAC-SHA256
  if (PKCS5_PBKDF2_HMAC(password.data(), static_cast<int>(password.size()),
                        reinterpret_cast<const unsigned char*>(salt.data()), static_cast<int>(salt.size()), iterations,
                        EVP_sha256(), static_cast<int>(salted.size()), salted.data()) != 1) {
    throw std::runtime_error("PBKDF2-HMAC-SHA256 failed");
  }
  const Digest client_key = hmac_sha256(salted, "Client Key");
  Digest stored_key{};
  SHA256(client_key.data(), client_key.size(), stored_key.data());
  const Digest server_key = hmac_sha256(salted, "Server Key");
  return "SCRAM-SHA-256$" + std::to_string(iterations) + ":" + codec::base64_encode(salt) + "$" +
         codec::base64_encode(as_text(stored_key)) + ":" + codec::base64_encode(as_text(server_key));
}

}  // namespace mcph::mock_vault
