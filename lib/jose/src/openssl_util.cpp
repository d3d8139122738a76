#include "openssl_util.h"

#include <stdexcept>

#include "mcph/openssl/reasons.h"

namespace mcph::jose::detail {

std::string take_openssl_errors() {
  std::string text = openssl::take_reasons();
  return text.empty() ? "no detail from OpenSSL" : text;
}

void throw_malformed_openssl(std::string_view what) {
  throw JoseError(ErrorKind::malformed, std::string(what) + " (" + take_openssl_errors() + ")");
}

void throw_openssl_failure(std::string_view what) {
  throw std::runtime_error(std::string(what) + " (" + take_openssl_errors() + ")");
}

const EVP_MD* sha256() {
  // Fetched once and kept for the life of the process (a deliberate, reachable allocation).
  static const EVP_MD* const digest = EVP_MD_fetch(nullptr, "SHA256", nullptr);
  if (digest == nullptr) {
    throw_openssl_failure("SHA-256 is not available from the OpenSSL default provider");
  }
  return digest;
}

BignumPtr bignum_from_bytes(std::string_view bytes) {
  BignumPtr number(BN_bin2bn(unsigned_data(bytes), static_cast<int>(bytes.size()), nullptr));
  if (!number) {
    throw_openssl_failure("BN_bin2bn failed");
  }
  return number;
}

std::string bignum_bytes(const BIGNUM* number, std::size_t fixed_length) {
  const std::size_t length =
      fixed_length != 0 ? fixed_length : static_cast<std::size_t>(BN_num_bytes(number));
  std::string bytes(length, '\0');
  if (length == 0) {
    return bytes;
  }
  auto* out = reinterpret_cast<unsigned char*>(bytes.data());
  const int written = fixed_length != 0 ? BN_bn2binpad(number, out, static_cast<int>(length))
                                        : BN_bn2bin(number, out);
  if (written < 0 || static_cast<std::size_t>(written) != length) {
    throw_openssl_failure("a big number does not fit its field");
  }
  return bytes;
}

std::string_view bytes_view(const unsigned char* data, std::size_t size) {
  return {reinterpret_cast<const char*>(data), size};
}

const unsigned char* unsigned_data(std::string_view bytes) {
  return reinterpret_cast<const unsigned char*>(bytes.data());
}

}  // namespace mcph::jose::detail
