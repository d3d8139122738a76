#pragma once
// Private: building keys from OpenSSL objects or raw numbers, and reading their numbers back.
#include <cstddef>
#include <mutex>
#include <string>

#include "mcph/jose/key.h"
#include "openssl_util.h"

namespace mcph::jose {

// Wraps pkey without checking it; takes ownership. Declared a friend of Key.
Key key_from_evp(KeyType type, evp_pkey_st* pkey, bool has_private);

}  // namespace mcph::jose

namespace mcph::jose::detail {

inline constexpr std::size_t kP256CoordinateBytes = 32;
inline constexpr int kMinRsaBits = 2048;   // RFC 7518 §3.3
inline constexpr int kMaxRsaBits = 16384;  // OpenSSL's own ceiling; bounds verification cost

// The checked way in for keys from untrusted input (PEM, JWK): RSA of kMinRsaBits..kMaxRsaBits
// or EC on P-256, public part accepted by OpenSSL (EC point on the curve), private part
// consistent with the public one. Throws JoseError(malformed).
Key adopt_checked_pkey(PkeyPtr pkey, bool has_private);

// Unsigned big-endian integers; the private ones are empty for a public key, and the CRT
// ones (p..qi) may be empty when a key was built from n, e and d alone.
struct RsaComponents {
  std::string n, e, d, p, q, dp, dq, qi;
};
// Coordinates and private scalar, each exactly kP256CoordinateBytes; d empty when public.
struct EcComponents {
  std::string x, y, d;
};

// What a Key reads out of OpenSSL once (Key::cache_): its EC public coordinates, on first use.
struct KeyCache {
  std::once_flag ec_public_read;
  std::string x, y;
};

// Private numbers only when include_private and the key has them.
RsaComponents rsa_components(const Key& key, bool include_private);
EcComponents ec_components(const Key& key, bool include_private);
Key rsa_key_from_components(const RsaComponents& components);  // JoseError(malformed)
Key ec_key_from_components(const EcComponents& components);    // JoseError(malformed)

}  // namespace mcph::jose::detail
