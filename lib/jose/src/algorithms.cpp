#include "jws_internal.h"

namespace mcph::jose {
namespace {

std::string_view key_type_name(KeyType type) {
  switch (type) {
    case KeyType::rsa: return "RSA";
    case KeyType::ec_p256: return "EC P-256";
    case KeyType::oct: return "oct (HMAC secret)";
  }
  return "unknown";
}

}  // namespace

std::string_view to_string(Alg alg) {
  switch (alg) {
    case Alg::RS256: return "RS256";
    case Alg::ES256: return "ES256";
    case Alg::HS256: return "HS256";
  }
  return "unknown";
}

std::optional<Alg> alg_from_string(std::string_view name) {
  // Exact, case-sensitive names (RFC 7518 §3.1); "none" is deliberately not one of them.
  for (const Alg alg : {Alg::RS256, Alg::ES256, Alg::HS256}) {
    if (name == to_string(alg)) {
      return alg;
    }
  }
  return std::nullopt;
}

bool alg_fits_key(Alg alg, KeyType type) {
  switch (alg) {
    case Alg::RS256: return type == KeyType::rsa;
    case Alg::ES256: return type == KeyType::ec_p256;
    case Alg::HS256: return type == KeyType::oct;
  }
  return false;
}

namespace detail {

std::optional<std::string> why_key_unusable(const Key& key, Alg alg) {
  if (!alg_fits_key(alg, key.type())) {
    return std::string(to_string(alg)) + " cannot be used with a key of type " +
           std::string(key_type_name(key.type()));
  }
  if (alg == Alg::HS256 && key.secret().size() < kMinHmacSecretBytes) {
    return "HS256 needs a secret of at least 32 bytes (RFC 7518 §3.2), this one has " +
           std::to_string(key.secret().size());
  }
  return std::nullopt;
}

}  // namespace detail
}  // namespace mcph::jose
