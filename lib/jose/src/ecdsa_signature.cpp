#include "ecdsa_signature.h"

#include "openssl_util.h"

namespace mcph::jose::detail {

std::optional<std::string> ecdsa_der_to_jose(std::string_view der, std::size_t coordinate_bytes) {
  const unsigned char* cursor = unsigned_data(der);
  EcdsaSigPtr signature(d2i_ECDSA_SIG(nullptr, &cursor, static_cast<long>(der.size())));
  if (!signature || cursor != unsigned_data(der) + der.size()) {
    take_openssl_errors();
    return std::nullopt;
  }
  const BIGNUM* r = nullptr;
  const BIGNUM* s = nullptr;
  ECDSA_SIG_get0(signature.get(), &r, &s);
  const auto width = static_cast<int>(coordinate_bytes);
  if (BN_num_bytes(r) > width || BN_num_bytes(s) > width) {
    return std::nullopt;
  }
  return bignum_bytes(r, coordinate_bytes) + bignum_bytes(s, coordinate_bytes);
}

std::optional<std::string> ecdsa_jose_to_der(std::string_view jose, std::size_t coordinate_bytes) {
  if (jose.size() != 2 * coordinate_bytes) {
    return std::nullopt;
  }
  BignumPtr r = bignum_from_bytes(jose.substr(0, coordinate_bytes));
  BignumPtr s = bignum_from_bytes(jose.substr(coordinate_bytes));
  EcdsaSigPtr signature(ECDSA_SIG_new());
  if (!signature || ECDSA_SIG_set0(signature.get(), r.get(), s.get()) != 1) {
    throw_openssl_failure("ECDSA_SIG_set0 failed");
  }
  r.release();  // now owned by signature
  s.release();
  unsigned char* der = nullptr;
  const int length = i2d_ECDSA_SIG(signature.get(), &der);
  if (length <= 0) {
    throw_openssl_failure("i2d_ECDSA_SIG failed");
  }
  std::string bytes(bytes_view(der, static_cast<std::size_t>(length)));
  OPENSSL_free(der);
  return bytes;
}

}  // namespace mcph::jose::detail
