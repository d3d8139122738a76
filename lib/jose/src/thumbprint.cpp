// RFC 7638 JWK thumbprint.
#include <nlohmann/json.hpp>

#include "key_internal.h"
#include "mcph/codec/base64.h"
#include "mcph/jose/key.h"

namespace mcph::jose {

std::string Key::thumbprint() const {
  // nlohmann::json keeps members sorted and dump() adds no whitespace: exactly the canonical
  // form of RFC 7638 §3.2 for these members, whose values need no escaping.
  nlohmann::json required;
  switch (type_) {
    case KeyType::rsa: {
      const auto numbers = detail::rsa_components(*this, false);
      required = {
          {"e", codec::base64url_encode(numbers.e)}, {"kty", "RSA"}, {"n", codec::base64url_encode(numbers.n)}};
      break;
    }
    case KeyType::ec_p256: {
      const auto numbers = detail::ec_components(*this, false);
      required = {{"crv", "P-256"},
                  {"kty", "EC"},
                  {"x", codec::base64url_encode(numbers.x)},
                  {"y", codec::base64url_encode(numbers.y)}};
      break;
    }
    case KeyType::oct: required = {{"k", codec::base64url_encode(secret_)}, {"kty", "oct"}}; break;
  }
  const std::string canonical = required.dump();
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int digest_length = 0;
  if (EVP_Digest(canonical.data(), canonical.size(), digest, &digest_length, detail::sha256(),
                 nullptr) != 1) {
    detail::throw_openssl_failure("SHA-256 failed");
  }
  return codec::base64url_encode(detail::bytes_view(digest, digest_length));
}

}  // namespace mcph::jose
