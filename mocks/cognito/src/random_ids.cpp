#include "random_ids.h"

#include <openssl/crypto.h>
#include <openssl/rand.h>
#include <openssl/sha.h>

#include <stdexcept>

#include "mcph/codec/base64.h"

namespace mcph::mock_cognito {
namespace {

std::string random_bytes(std::size_t count) {
  std::string bytes(count, '\0');
  if (RAND_bytes(reinterpret_cast<unsigned char*>(bytes.data()), static_cast<int>(count)) != 1) {
    throw std::runtime_error("RAND_bytes failed");
  }
  return bytes;
}

std::string random_from(std::string_view alphabet, std::size_t count) {
  std::string out;
  for (const char byte : random_bytes(count)) {
    out += alphabet[static_cast<unsigned char>(byte) % alphabet.size()];
  }
  return out;
}

std::string sha256(std::string_view bytes) {
  std::string digest(SHA256_DIGEST_LENGTH, '\0');
  SHA256(reinterpret_cast<const unsigned char*>(bytes.data()), bytes.size(),
         reinterpret_cast<unsigned char*>(digest.data()));
  return digest;
}

}  // namespace

std::string random_uuid() {
  std::string bytes = random_bytes(16);
  bytes[6] = static_cast<char>((bytes[6] & 0x0f) | 0x40);
  bytes[8] = static_cast<char>((bytes[8] & 0x3f) | 0x80);
  static constexpr char kHex[] = "0123456789abcdef";
  std::string text;
  for (std::size_t i = 0; i < bytes.size(); ++i) {
    if (i == 4 || i == 6 || i == 8 || i == 10) text += '-';
    const auto byte = static_cast<unsigned char>(bytes[i]);
    text += kHex[byte >> 4];
    text += kHex[byte & 0x0f];
  }
  return text;
}

std::string random_alnum(std::size_t count) {
  return random_from("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789", count);
}

std::string random_lower_alnum(std::size_t count) {
  return random_from("abcdefghijklmnopqrstuvwxyz0123456789", count);
}

std::string random_token(std::size_t bytes) { return codec::base64url_encode(random_bytes(bytes)); }

PasswordDigest digest_password(std::string_view password) {
  PasswordDigest stored;
  stored.salt = random_bytes(16);
  stored.digest = sha256(stored.salt + std::string(password));
  return stored;
}

bool password_matches(const PasswordDigest& stored, std::string_view password) {
  return !stored.digest.empty() && constant_time_equals(stored.digest, sha256(stored.salt + std::string(password)));
}

bool constant_time_equals(std::string_view a, std::string_view b) {
  return a.size() == b.size() && CRYPTO_memcmp(a.data(), b.data(), a.size()) == 0;
}

}  // namespace mcph::mock_cognito
