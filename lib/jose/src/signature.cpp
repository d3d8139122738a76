// Raw JWS signatures: RS256 (RSASSA-PKCS1-v1_5), ES256 (ECDSA P-256, R||S) and HS256.
#include <openssl/core_names.h>
#include <openssl/crypto.h>

#include <stdexcept>

#include "ecdsa_signature.h"
#include "jws_internal.h"
#include "key_internal.h"
#include "openssl_util.h"

namespace mcph::jose {
namespace {

constexpr std::size_t kSha256Bytes = 32;

void require_usable(const Key& key, Alg alg) {
  if (auto reason = detail::why_key_unusable(key, alg)) {
    throw JoseError(ErrorKind::unsupported_algorithm, *reason);
  }
}

EVP_MAC* hmac_algorithm() {
  static EVP_MAC* const mac = EVP_MAC_fetch(nullptr, "HMAC", nullptr);
  if (mac == nullptr) {
    detail::throw_openssl_failure("HMAC is not available from the OpenSSL default provider");
  }
  return mac;
}

std::string hmac_sha256(std::string_view secret, std::string_view data) {
  detail::MacCtxPtr context(EVP_MAC_CTX_new(hmac_algorithm()));
  char digest_name[] = "SHA256";
  const OSSL_PARAM params[] = {
      OSSL_PARAM_construct_utf8_string(OSSL_MAC_PARAM_DIGEST, digest_name, 0),
      OSSL_PARAM_construct_end()};
  unsigned char mac[EVP_MAX_MD_SIZE];
  std::size_t mac_length = 0;
  if (!context ||
      EVP_MAC_init(context.get(), detail::unsigned_data(secret), secret.size(), params) != 1 ||
      EVP_MAC_update(context.get(), detail::unsigned_data(data), data.size()) != 1 ||
      EVP_MAC_final(context.get(), mac, &mac_length, sizeof mac) != 1) {
    detail::throw_openssl_failure("HMAC-SHA256 failed");
  }
  return std::string(detail::bytes_view(mac, mac_length));
}

// RS256 gives the signature itself; ES256 gives DER, converted by the caller.
std::string digest_sign(EVP_PKEY* pkey, std::string_view data) {
  detail::MdCtxPtr context(EVP_MD_CTX_new());
  if (!context ||
      EVP_DigestSignInit(context.get(), nullptr, detail::sha256(), nullptr, pkey) != 1) {
    detail::throw_openssl_failure("EVP_DigestSignInit failed");
  }
  std::size_t length = static_cast<std::size_t>(EVP_PKEY_get_size(pkey));
  std::string signature(length, '\0');
  if (EVP_DigestSign(context.get(), reinterpret_cast<unsigned char*>(signature.data()), &length,
                     detail::unsigned_data(data), data.size()) != 1) {
    detail::throw_openssl_failure("EVP_DigestSign failed");
  }
  signature.resize(length);
  return signature;
}

bool digest_verify(EVP_PKEY* pkey, std::string_view data, std::string_view signature) {
  detail::MdCtxPtr context(EVP_MD_CTX_new());
  if (!context ||
      EVP_DigestVerifyInit(context.get(), nullptr, detail::sha256(), nullptr, pkey) != 1) {
    detail::throw_openssl_failure("EVP_DigestVerifyInit failed");
  }
  const int result = EVP_DigestVerify(context.get(), detail::unsigned_data(signature),
                                      signature.size(), detail::unsigned_data(data), data.size());
  detail::take_openssl_errors();  // a failed check leaves entries behind
  return result == 1;
}

}  // namespace

std::string sign_bytes(const Key& key, Alg alg, std::string_view signing_input) {
  require_usable(key, alg);
  switch (alg) {
    case Alg::HS256: return hmac_sha256(key.secret(), signing_input);
    case Alg::RS256:
    case Alg::ES256: {
      if (!key.has_private()) {
        throw std::invalid_argument("signing needs a private key; this one is public only");
      }
      std::string signature = digest_sign(key.evp(), signing_input);
      if (alg == Alg::RS256) {
        return signature;
      }
      auto jose = detail::ecdsa_der_to_jose(signature, detail::kP256CoordinateBytes);
      if (!jose) {
        throw std::runtime_error("OpenSSL produced an ECDSA signature that is not P-256 DER");
      }
      return *jose;
    }
  }
  throw std::logic_error("unknown Alg value");
}

bool verify_bytes(const Key& key, Alg alg, std::string_view signing_input,
                  std::string_view signature) {
  require_usable(key, alg);
  switch (alg) {
    case Alg::HS256: {
      if (signature.size() != kSha256Bytes) {
        return false;  // the length is public; only the bytes need a constant-time compare
      }
      const std::string expected = hmac_sha256(key.secret(), signing_input);
      return CRYPTO_memcmp(expected.data(), signature.data(), kSha256Bytes) == 0;
    }
    case Alg::RS256: return digest_verify(key.evp(), signing_input, signature);
    case Alg::ES256: {
      auto der = detail::ecdsa_jose_to_der(signature, detail::kP256CoordinateBytes);
      return der && digest_verify(key.evp(), signing_input, *der);
    }
  }
  return false;
}

}  // namespace mcph::jose
