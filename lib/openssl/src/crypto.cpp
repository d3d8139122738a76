#include "mcph/openssl/crypto.h"

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <openssl/rand.h>
#include <openssl/sha.h>

#include <stdexcept>

#include "mcph/codec/hex.h"

namespace mcph::openssl {

std::string random_bytes(std::size_t count) {
  std::string bytes(count, '\0');
  if (count > 0 && RAND_bytes(reinterpret_cast<unsigned char*>(bytes.data()), static_cast<int>(count)) != 1) {
    throw std::runtime_error("RAND_bytes failed");
  }
  return bytes;
}

std::string random_text(std::string_view alphabet, std::size_t count) {
  if (alphabet.empty() || alphabet.size() > 256) throw std::invalid_argument("random_text: an alphabet of 1 to 256 characters");
  // Rejection sampling keeps the draw uniform: bytes at or past the last whole multiple of the
  // alphabet's size are thrown away.
  const std::size_t limit = 256 - 256 % alphabet.size();
  std::string out;
  out.reserve(count);
  while (out.size() < count) {
    for (const char byte : random_bytes(count * 2)) {
      const auto value = static_cast<unsigned char>(byte);
      if (value >= limit) continue;
      out.push_back(alphabet[value % alphabet.size()]);
      if (out.size() == count) break;
    }
  }
  return out;
}

std::string random_uuid() {
  std::string bytes = random_bytes(16);
  bytes[6] = static_cast<char>((bytes[6] & 0x0f) | 0x40);
  bytes[8] = static_cast<char>((bytes[8] & 0x3f) | 0x80);
  std::string text = codec::hex_encode(bytes);
  for (const std::size_t dash : {8, 13, 18, 23}) text.insert(dash, 1, '-');
  return text;
}

std::string sha1(std::string_view bytes) {
  std::string digest(SHA_DIGEST_LENGTH, '\0');
  SHA1(reinterpret_cast<const unsigned char*>(bytes.data()), bytes.size(),
       reinterpret_cast<unsigned char*>(digest.data()));
  return digest;
}

std::string sha256(std::string_view bytes) {
  std::string digest(SHA256_DIGEST_LENGTH, '\0');
  SHA256(reinterpret_cast<const unsigned char*>(bytes.data()), bytes.size(),
         reinterpret_cast<unsigned char*>(digest.data()));
  return digest;
}

namespace {

std::string hmac(const EVP_MD* digest, const char* name, std::string_view key, std::string_view data) {
  std::string mac(EVP_MAX_MD_SIZE, '\0');
  unsigned int length = 0;
  if (HMAC(digest, key.data(), static_cast<int>(key.size()),
           reinterpret_cast<const unsigned char*>(data.data()), data.size(),
           reinterpret_cast<unsigned char*>(mac.data()), &length) == nullptr) {
    throw std::runtime_error(std::string(name) + " failed");
  }
  mac.resize(length);
  return mac;
}

}  // namespace

std::string hmac_sha256(std::string_view key, std::string_view data) { return hmac(EVP_sha256(), "HMAC-SHA256", key, data); }

std::string hmac_sha512(std::string_view key, std::string_view data) { return hmac(EVP_sha512(), "HMAC-SHA512", key, data); }

bool constant_time_equals(std::string_view a, std::string_view b) {
  return a.size() == b.size() && CRYPTO_memcmp(a.data(), b.data(), a.size()) == 0;
}

PasswordHash hash_password(std::string_view password) {
  PasswordHash hash;
  hash.salt = random_bytes(16);
  hash.digest = sha256(hash.salt + std::string(password));
  return hash;
}

bool check_password(const PasswordHash& hash, std::string_view password) {
  return !hash.digest.empty() && constant_time_equals(hash.digest, sha256(hash.salt + std::string(password)));
}

}  // namespace mcph::openssl
