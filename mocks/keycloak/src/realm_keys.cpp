#include "realm_keys.h"

#include <openssl/bn.h>
#include <openssl/evp.h>
#include <openssl/x509.h>

#include <chrono>

#include "crypto_util.h"
#include "errors.h"
#include "mcph/codec/base64.h"
#include "mcph/jose/error.h"
#include "mcph/jose/jwk.h"

namespace mcph::mock_keycloak {
namespace {

// Keycloak's rsa-generated provider makes a self-signed v1 certificate with CN=<realm>.
std::string self_signed_certificate(EVP_PKEY* pkey, const std::string& common_name,
                                    std::int64_t& valid_to_ms) {
  std::unique_ptr<X509, decltype(&X509_free)> cert(X509_new(), X509_free);
  if (!cert) throw std::runtime_error("X509_new failed");
  X509_set_version(cert.get(), 0);
  std::unique_ptr<BIGNUM, decltype(&BN_free)> serial(BN_new(), BN_free);
  BN_rand(serial.get(), 64, BN_RAND_TOP_ANY, BN_RAND_BOTTOM_ANY);
  BN_to_ASN1_INTEGER(serial.get(), X509_get_serialNumber(cert.get()));
  constexpr long kTenYears = 10L * 365 * 24 * 3600;
  X509_gmtime_adj(X509_getm_notBefore(cert.get()), 0);
  X509_gmtime_adj(X509_getm_notAfter(cert.get()), kTenYears);
  X509_NAME* name = X509_get_subject_name(cert.get());
  X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_UTF8,
                             reinterpret_cast<const unsigned char*>(common_name.c_str()), -1, -1, 0);
  X509_set_issuer_name(cert.get(), name);
  X509_set_pubkey(cert.get(), pkey);
  if (X509_sign(cert.get(), pkey, EVP_sha256()) <= 0) throw std::runtime_error("X509_sign failed");
  unsigned char* der = nullptr;
  const int length = i2d_X509(cert.get(), &der);
  if (length <= 0) throw std::runtime_error("cannot encode the certificate");
  std::string bytes(reinterpret_cast<char*>(der), static_cast<std::size_t>(length));
  OPENSSL_free(der);
  const auto now = std::chrono::system_clock::now();
  valid_to_ms = std::chrono::duration_cast<std::chrono::milliseconds>(
                    (now + std::chrono::seconds(kTenYears)).time_since_epoch())
                    .count();
  return bytes;
}

RealmKey make_rsa_key(const std::string& realm_name, KeySpec spec) {
  RealmKey key;
  key.type = "RSA";
  key.use = spec.provider_id == "rsa-enc-generated" ? KeyUse::enc : KeyUse::sig;
  if (spec.algorithm.empty()) spec.algorithm = key.use == KeyUse::enc ? "RSA-OAEP" : "RS256";
  if (key.use == KeyUse::sig && spec.algorithm != "RS256") {
    throw error_message(400, "Unsupported algorithm " + spec.algorithm + " (the mock signs RS256 only)");
  }
  jose::Key rsa = [&] {
    if (spec.provider_id == "rsa") {
      try {
        jose::Key imported = jose::Key::from_pem(spec.private_key_pem);
        if (imported.type() != jose::KeyType::rsa || !imported.has_private()) {
          throw error_message(400, "'Private RSA Key' is not an RSA private key");
        }
        return imported;
      } catch (const jose::JoseError&) {
        throw error_message(400, "Failed to decode private key");
      }
    }
    if (spec.key_size != 2048 && spec.key_size != 3072 && spec.key_size != 4096) {
      throw error_message(400, "'Key size' should be 2048, 3072 or 4096");
    }
    return jose::Key::generate_rsa(spec.key_size);
  }();
  const std::string spki = rsa.public_der();
  key.kid = codec::base64url_encode(sha256(spki));
  key.public_key_b64 = codec::base64_encode(spki);
  const std::string cert = self_signed_certificate(rsa.evp(), realm_name, key.valid_to_ms);
  key.certificate_b64 = codec::base64_encode(cert);
  key.x5t = codec::base64url_encode(sha1(cert));
  key.x5t_s256 = codec::base64url_encode(sha256(cert));
  key.rsa = std::make_shared<const jose::Key>(std::move(rsa));
  key.spec = std::move(spec);
  return key;
}

RealmKey make_hmac_key(KeySpec spec) {
  RealmKey key;
  key.type = "OCT";
  key.use = KeyUse::sig;
  if (spec.algorithm.empty()) spec.algorithm = spec.provider_id == "hmac-generated-hs512" ? "HS512" : "HS256";
  if (spec.algorithm != "HS512") {
    // Refresh tokens are always HS512 here; another HMAC key could only confuse that.
    throw error_message(400, "Unsupported algorithm " + spec.algorithm + " (the mock supports HS512 only)");
  }
  key.kid = random_uuid();
  key.secret = random_bytes(64);
  key.spec = std::move(spec);
  return key;
}

}  // namespace

bool is_key_provider(const std::string& provider_id) {
  return provider_id == "rsa-generated" || provider_id == "rsa-enc-generated" || provider_id == "rsa" ||
         provider_id == "hmac-generated-hs512" || provider_id == "hmac-generated";
}

RealmKey make_key(const std::string& realm_name, KeySpec spec) {
  if (!is_key_provider(spec.provider_id)) {
    throw error_message(400, "Invalid provider type or no such provider");
  }
  if (spec.provider_id.rfind("hmac", 0) == 0) {
    if (spec.key_size == 2048) spec.key_size = 64;
    return make_hmac_key(std::move(spec));
  }
  return make_rsa_key(realm_name, std::move(spec));
}

nlohmann::ordered_json public_jwk(const RealmKey& key) {
  const jose::Jwk jwk{*key.rsa, key.kid, std::nullopt, ""};
  const auto members = nlohmann::json::parse(jwk.to_public_json());
  nlohmann::ordered_json out;
  out["kid"] = key.kid;
  out["kty"] = "RSA";
  out["alg"] = key.spec.algorithm;
  out["use"] = key.use == KeyUse::sig ? "sig" : "enc";
  out["n"] = members.at("n");
  out["e"] = members.at("e");
  out["x5c"] = nlohmann::ordered_json::array({key.certificate_b64});
  out["x5t"] = key.x5t;
  out["x5t#S256"] = key.x5t_s256;
  return out;
}

}  // namespace mcph::mock_keycloak
