#include "mcph/jose/key.h"

#include <openssl/pem.h>

#include <stdexcept>

#include "key_internal.h"

namespace mcph::jose {
namespace {

constexpr std::size_t kMaxPemBytes = 64 * 1024;

// A password callback that refuses: without it OpenSSL would prompt on the terminal for an
// encrypted key.
int refuse_password(char*, int, int, void*) { return -1; }

std::string bio_contents(BIO* bio) {
  char* data = nullptr;
  const long length = BIO_get_mem_data(bio, &data);
  return std::string(data, static_cast<std::size_t>(length));
}

void require_asymmetric(const Key& key, const char* operation) {
  if (key.type() == KeyType::oct) {
    throw std::logic_error(std::string(operation) + " is not possible for an HMAC key");
  }
}

}  // namespace

Key key_from_evp(KeyType type, evp_pkey_st* pkey, bool has_private) {
  return Key(type, std::shared_ptr<evp_pkey_st>(pkey, EVP_PKEY_free), has_private, {});
}

Key::Key(KeyType type, std::shared_ptr<evp_pkey_st> pkey, bool has_private, std::string secret)
    : type_(type),
      pkey_(std::move(pkey)),
      has_private_(has_private),
      secret_(std::move(secret)),
      cache_(std::make_shared<detail::KeyCache>()) {}

detail::KeyCache& detail::cache_of(const Key& key) { return *key.cache_; }

Key Key::generate_rsa(int bits) {
  if (bits < detail::kMinRsaBits || bits > detail::kMaxRsaBits) {
    throw std::invalid_argument("RSA keys must have 2048 to 16384 bits, not " +
                                std::to_string(bits));
  }
  EVP_PKEY* pkey = EVP_PKEY_Q_keygen(nullptr, nullptr, "RSA", static_cast<std::size_t>(bits));
  if (pkey == nullptr) {
    detail::throw_openssl_failure("RSA key generation failed");
  }
  return key_from_evp(KeyType::rsa, pkey, true);
}

Key Key::generate_ec_p256() {
  EVP_PKEY* pkey = EVP_PKEY_Q_keygen(nullptr, nullptr, "EC", "P-256");
  if (pkey == nullptr) {
    detail::throw_openssl_failure("EC P-256 key generation failed");
  }
  return key_from_evp(KeyType::ec_p256, pkey, true);
}

Key Key::hmac(std::string secret) {
  if (secret.empty()) {
    throw JoseError(ErrorKind::malformed, "HMAC secret is empty");
  }
  return Key(KeyType::oct, nullptr, true, std::move(secret));
}

Key Key::from_pem(std::string_view pem) {
  if (pem.size() > kMaxPemBytes) {
    throw JoseError(ErrorKind::malformed, "PEM text is over 64 KiB");
  }
  // Both readers skip blocks with other labels (e.g. "EC PARAMETERS" before "EC PRIVATE KEY").
  const bool is_private = pem.find("PRIVATE KEY-----") != std::string_view::npos;
  const bool is_public = pem.find("-----BEGIN PUBLIC KEY-----") != std::string_view::npos;
  if (!is_private && !is_public) {
    throw JoseError(ErrorKind::malformed,
                    "no PEM block labelled PRIVATE KEY, RSA PRIVATE KEY, EC PRIVATE KEY or "
                    "PUBLIC KEY");
  }
  detail::BioPtr bio(BIO_new_mem_buf(pem.data(), static_cast<int>(pem.size())));
  if (!bio) {
    detail::throw_openssl_failure("BIO_new_mem_buf failed");
  }
  detail::PkeyPtr pkey(is_private
                           ? PEM_read_bio_PrivateKey(bio.get(), nullptr, refuse_password, nullptr)
                           : PEM_read_bio_PUBKEY(bio.get(), nullptr, refuse_password, nullptr));
  if (!pkey) {
    detail::throw_malformed_openssl(is_private
                                        ? "cannot read the private key PEM (encrypted keys are "
                                          "not supported)"
                                        : "cannot read the public key PEM");
  }
  return detail::adopt_checked_pkey(std::move(pkey), is_private);
}

Key Key::from_pkcs8_der(std::string_view der) {
  if (der.size() > kMaxPemBytes) {
    throw JoseError(ErrorKind::malformed, "PKCS#8 DER is over 64 KiB");
  }
  const auto* bytes = reinterpret_cast<const unsigned char*>(der.data());
  const unsigned char* end = bytes;
  detail::PkeyPtr pkey(d2i_AutoPrivateKey(nullptr, &end, static_cast<long>(der.size())));
  if (!pkey || end != bytes + der.size()) {
    detail::throw_malformed_openssl("cannot read the private key DER (PKCS#8)");
  }
  return detail::adopt_checked_pkey(std::move(pkey), true);
}

std::string Key::private_pem() const {
  require_asymmetric(*this, "private_pem");
  if (!has_private_) {
    throw std::logic_error("private_pem: this key has no private half");
  }
  // Secure-heap memory is wiped when freed, unlike a plain memory BIO.
  detail::BioPtr bio(BIO_new(BIO_s_secmem()));
  if (!bio || PEM_write_bio_PrivateKey(bio.get(), pkey_.get(), nullptr, nullptr, 0, nullptr,
                                       nullptr) != 1) {
    detail::throw_openssl_failure("cannot write the private key PEM");
  }
  return bio_contents(bio.get());
}

std::string Key::public_pem() const {
  require_asymmetric(*this, "public_pem");
  detail::BioPtr bio(BIO_new(BIO_s_mem()));
  if (!bio || PEM_write_bio_PUBKEY(bio.get(), pkey_.get()) != 1) {
    detail::throw_openssl_failure("cannot write the public key PEM");
  }
  return bio_contents(bio.get());
}

std::string Key::public_der() const {
  require_asymmetric(*this, "public_der");
  unsigned char* der = nullptr;
  const int length = i2d_PUBKEY(pkey_.get(), &der);
  if (length <= 0) detail::throw_openssl_failure("cannot encode the public key");
  std::string bytes(reinterpret_cast<char*>(der), static_cast<std::size_t>(length));
  OPENSSL_free(der);
  return bytes;
}

Key Key::public_only() const {
  require_asymmetric(*this, "public_only");
  if (!has_private_) {
    return *this;
  }
  OSSL_PARAM* raw_params = nullptr;
  if (EVP_PKEY_todata(pkey_.get(), EVP_PKEY_PUBLIC_KEY, &raw_params) != 1) {
    detail::throw_openssl_failure("cannot export the public key numbers");
  }
  detail::ParamsPtr params(raw_params);
  detail::PkeyCtxPtr context(
      EVP_PKEY_CTX_new_from_name(nullptr, EVP_PKEY_get0_type_name(pkey_.get()), nullptr));
  EVP_PKEY* public_pkey = nullptr;
  if (!context || EVP_PKEY_fromdata_init(context.get()) != 1 ||
      EVP_PKEY_fromdata(context.get(), &public_pkey, EVP_PKEY_PUBLIC_KEY, params.get()) != 1) {
    detail::throw_openssl_failure("cannot rebuild the public key");
  }
  return key_from_evp(type_, public_pkey, false);
}

}  // namespace mcph::jose
