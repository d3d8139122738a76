#pragma once
// Signing and verification keys: RSA, EC P-256 (OpenSSL EVP_PKEY) and HMAC secrets.
// OpenSSL stays out of this header; the key is shared and immutable once built.
#include <memory>
#include <string>
#include <string_view>

struct evp_pkey_st;  // OpenSSL's EVP_PKEY

namespace mcph::jose {

enum class KeyType { rsa, ec_p256, oct };

class Key;
namespace detail {
struct KeyCache;
KeyCache& cache_of(const Key& key);
}  // namespace detail

class Key {
 public:
  // RSA keys must have 2048 to 16384 bits (RFC 7518 §3.3); generate_rsa throws
  // std::invalid_argument outside that range, imports throw JoseError(malformed).
  static Key generate_rsa(int bits = 2048);
  static Key generate_ec_p256();
  // Any non-empty secret; HS256 itself needs at least 32 bytes (RFC 7518 §3.2).
  static Key hmac(std::string secret);
  // PEM: "PRIVATE KEY" (PKCS#8), "RSA PRIVATE KEY", "EC PRIVATE KEY" or "PUBLIC KEY".
  // Encrypted keys are refused (never prompts). Throws JoseError (kind malformed) on bad input,
  // including a private key whose halves do not match or an EC point off the curve.
  static Key from_pem(std::string_view pem);
  // A private key as PKCS#8 DER (what Go's x509.MarshalPKCS8PrivateKey writes). Throws JoseError
  // (kind malformed) on anything else.
  static Key from_pkcs8_der(std::string_view der);

  KeyType type() const { return type_; }
  bool has_private() const { return has_private_; }
  // These three throw std::logic_error when asked of a key that has no such part.
  std::string private_pem() const;  // PKCS#8; throws for public-only and HMAC keys
  std::string public_pem() const;   // SubjectPublicKeyInfo; throws for HMAC keys
  std::string public_der() const;   // the same, DER (what Keycloak lists base64 as a key's publicKey)
  Key public_only() const;          // the same key without its private half; throws for HMAC
  const std::string& secret() const { return secret_; }  // HMAC keys only
  evp_pkey_st* evp() const { return pkey_.get(); }       // RSA and EC keys only

  // RFC 7638 thumbprint (base64url of SHA-256 over the canonical JWK), a stable default kid.
  std::string thumbprint() const;

 private:
  Key(KeyType type, std::shared_ptr<evp_pkey_st> pkey, bool has_private, std::string secret);
  friend Key key_from_evp(KeyType, evp_pkey_st*, bool);
  friend detail::KeyCache& detail::cache_of(const Key& key);

  KeyType type_;
  std::shared_ptr<evp_pkey_st> pkey_;
  bool has_private_ = false;
  std::string secret_;
  // What is read out of the key once and kept (its EC coordinates: each read is an OpenSSL
  // parameter export, a third of a DPoP proof's making); shared by the key's copies.
  std::shared_ptr<detail::KeyCache> cache_;
};

}  // namespace mcph::jose
