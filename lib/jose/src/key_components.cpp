// Keys from and to their raw numbers (what JWK carries), and the checks every imported key
// passes through.
#include <openssl/core_names.h>

#include <cstring>
#include <vector>

#include "key_internal.h"
#include "mcph/jose/jws.h"

namespace mcph::jose::detail {
namespace {

KeyType classify(EVP_PKEY* pkey) {
  if (EVP_PKEY_is_a(pkey, "RSA")) {
    const int bits = EVP_PKEY_get_bits(pkey);
    if (bits < kMinRsaBits || bits > kMaxRsaBits) {
      throw JoseError(ErrorKind::malformed, "RSA key has " + std::to_string(bits) + " bits; " +
                                                std::to_string(kMinRsaBits) + " to " +
                                                std::to_string(kMaxRsaBits) +
                                                " are accepted (RFC 7518 §3.3)");
    }
    return KeyType::rsa;
  }
  if (EVP_PKEY_is_a(pkey, "EC")) {
    char group[80] = {};
    std::size_t length = 0;
    if (EVP_PKEY_get_group_name(pkey, group, sizeof group, &length) != 1 ||
        (std::strcmp(group, "prime256v1") != 0 && std::strcmp(group, "P-256") != 0)) {
      take_openssl_errors();
      throw JoseError(ErrorKind::malformed, "EC key is not on the named curve P-256");
    }
    return KeyType::ec_p256;
  }
  throw JoseError(ErrorKind::malformed, std::string("key type ") + EVP_PKEY_get0_type_name(pkey) +
                                            " is not supported (RSA or EC P-256 only)");
}

// OpenSSL does not check RSA private keys cheaply without p and q, and its CRT code silently
// falls back to d when p or q is wrong, so the one check that matters is: does it sign?
void check_rsa_private_key_signs(const Key& key) {
  constexpr std::string_view probe = "mcph-jose key check";
  std::string signature;
  try {
    signature = sign_bytes(key, Alg::RS256, probe);
  } catch (const std::runtime_error&) {
    // OpenSSL refuses some inconsistent components outright (found by jwk_fuzz).
    take_openssl_errors();
    throw JoseError(ErrorKind::malformed, "RSA private key cannot sign (its components are inconsistent)");
  }
  if (!verify_bytes(key, Alg::RS256, probe, signature)) {
    throw JoseError(ErrorKind::malformed,
                    "RSA private key does not match its public key (a test signature fails)");
  }
}

void push_bignum(OSSL_PARAM_BLD* builder, const char* name, std::string_view bytes,
                 std::vector<BignumPtr>& keep_alive) {
  keep_alive.push_back(bignum_from_bytes(bytes));
  if (OSSL_PARAM_BLD_push_BN(builder, name, keep_alive.back().get()) != 1) {
    throw_openssl_failure("OSSL_PARAM_BLD_push_BN failed");
  }
}

PkeyPtr pkey_from_params(const char* type_name, int selection, OSSL_PARAM_BLD* builder) {
  ParamsPtr params(OSSL_PARAM_BLD_to_param(builder));
  PkeyCtxPtr context(EVP_PKEY_CTX_new_from_name(nullptr, type_name, nullptr));
  if (!params || !context || EVP_PKEY_fromdata_init(context.get()) != 1) {
    throw_openssl_failure("cannot prepare EVP_PKEY_fromdata");
  }
  EVP_PKEY* raw = nullptr;
  if (EVP_PKEY_fromdata(context.get(), &raw, selection, params.get()) != 1) {
    throw_malformed_openssl(std::string("OpenSSL refuses the ") + type_name + " key numbers");
  }
  return PkeyPtr(raw);
}

// Empty when the key lacks the parameter (a public key's d, a key without CRT numbers).
std::string optional_bignum_param(EVP_PKEY* pkey, const char* name, std::size_t fixed = 0) {
  BIGNUM* raw = nullptr;
  if (EVP_PKEY_get_bn_param(pkey, name, &raw) != 1) {
    take_openssl_errors();
    return {};
  }
  BignumPtr number(raw);
  return bignum_bytes(number.get(), fixed);
}

std::string required_bignum_param(EVP_PKEY* pkey, const char* name, std::size_t fixed = 0) {
  std::string bytes = optional_bignum_param(pkey, name, fixed);
  if (bytes.empty()) {
    throw_openssl_failure(std::string("key has no parameter ") + name);
  }
  return bytes;
}

}  // namespace

Key adopt_checked_pkey(PkeyPtr pkey, bool has_private) {
  const KeyType type = classify(pkey.get());
  PkeyCtxPtr context(EVP_PKEY_CTX_new_from_pkey(nullptr, pkey.get(), nullptr));
  if (!context) {
    throw_openssl_failure("EVP_PKEY_CTX_new_from_pkey failed");
  }
  if (EVP_PKEY_public_check(context.get()) != 1) {
    throw_malformed_openssl(type == KeyType::rsa ? "RSA public key fails OpenSSL's check"
                                                 : "EC public point is not on curve P-256");
  }
  if (type == KeyType::ec_p256 && has_private && EVP_PKEY_pairwise_check(context.get()) != 1) {
    throw_malformed_openssl("EC private key does not match its public point");
  }
  Key key = key_from_evp(type, pkey.release(), has_private);
  if (type == KeyType::rsa && has_private) {
    check_rsa_private_key_signs(key);
  }
  return key;
}

RsaComponents rsa_components(const Key& key, bool include_private) {
  EVP_PKEY* pkey = key.evp();
  RsaComponents numbers;
  numbers.n = required_bignum_param(pkey, OSSL_PKEY_PARAM_RSA_N);
  numbers.e = required_bignum_param(pkey, OSSL_PKEY_PARAM_RSA_E);
  if (include_private && key.has_private()) {
    numbers.d = required_bignum_param(pkey, OSSL_PKEY_PARAM_RSA_D);
    numbers.p = optional_bignum_param(pkey, OSSL_PKEY_PARAM_RSA_FACTOR1);
    numbers.q = optional_bignum_param(pkey, OSSL_PKEY_PARAM_RSA_FACTOR2);
    numbers.dp = optional_bignum_param(pkey, OSSL_PKEY_PARAM_RSA_EXPONENT1);
    numbers.dq = optional_bignum_param(pkey, OSSL_PKEY_PARAM_RSA_EXPONENT2);
    numbers.qi = optional_bignum_param(pkey, OSSL_PKEY_PARAM_RSA_COEFFICIENT1);
    if (numbers.p.empty() || numbers.q.empty() || numbers.dp.empty() || numbers.dq.empty() ||
        numbers.qi.empty()) {
      numbers.p = numbers.q = numbers.dp = numbers.dq = numbers.qi = {};  // all or none
    }
  }
  return numbers;
}

EcComponents ec_components(const Key& key, bool include_private) {
  EVP_PKEY* pkey = key.evp();
  KeyCache& cache = cache_of(key);
  std::call_once(cache.ec_public_read, [&] {  // a throw leaves it unread, for the next call to try
    cache.x = required_bignum_param(pkey, OSSL_PKEY_PARAM_EC_PUB_X, kP256CoordinateBytes);
    cache.y = required_bignum_param(pkey, OSSL_PKEY_PARAM_EC_PUB_Y, kP256CoordinateBytes);
  });
  EcComponents numbers;
  numbers.x = cache.x;
  numbers.y = cache.y;
  if (include_private && key.has_private()) {
    numbers.d = required_bignum_param(pkey, OSSL_PKEY_PARAM_PRIV_KEY, kP256CoordinateBytes);
  }
  return numbers;
}

Key rsa_key_from_components(const RsaComponents& numbers) {
  if (numbers.n.empty() || numbers.e.empty()) {
    throw JoseError(ErrorKind::malformed, "RSA key needs both n and e");
  }
  const bool has_private = !numbers.d.empty();
  const bool has_crt = !numbers.p.empty();
  ParamBuildPtr builder(OSSL_PARAM_BLD_new());
  if (!builder) {
    throw_openssl_failure("OSSL_PARAM_BLD_new failed");
  }
  std::vector<BignumPtr> keep_alive;  // the builder points at these until to_param
  push_bignum(builder.get(), OSSL_PKEY_PARAM_RSA_N, numbers.n, keep_alive);
  push_bignum(builder.get(), OSSL_PKEY_PARAM_RSA_E, numbers.e, keep_alive);
  if (has_private) {
    push_bignum(builder.get(), OSSL_PKEY_PARAM_RSA_D, numbers.d, keep_alive);
    if (has_crt) {
      push_bignum(builder.get(), OSSL_PKEY_PARAM_RSA_FACTOR1, numbers.p, keep_alive);
      push_bignum(builder.get(), OSSL_PKEY_PARAM_RSA_FACTOR2, numbers.q, keep_alive);
      push_bignum(builder.get(), OSSL_PKEY_PARAM_RSA_EXPONENT1, numbers.dp, keep_alive);
      push_bignum(builder.get(), OSSL_PKEY_PARAM_RSA_EXPONENT2, numbers.dq, keep_alive);
      push_bignum(builder.get(), OSSL_PKEY_PARAM_RSA_COEFFICIENT1, numbers.qi, keep_alive);
    }
  }
  const int selection = has_private ? EVP_PKEY_KEYPAIR : EVP_PKEY_PUBLIC_KEY;
  return adopt_checked_pkey(pkey_from_params("RSA", selection, builder.get()), has_private);
}

Key ec_key_from_components(const EcComponents& numbers) {
  if (numbers.x.size() != kP256CoordinateBytes || numbers.y.size() != kP256CoordinateBytes ||
      (!numbers.d.empty() && numbers.d.size() != kP256CoordinateBytes)) {
    throw JoseError(ErrorKind::malformed, "P-256 numbers x, y and d must be 32 bytes each");
  }
  const bool has_private = !numbers.d.empty();
  // SEC 1 uncompressed point: 0x04 || x || y
  const std::string point = std::string(1, '\x04') + numbers.x + numbers.y;
  ParamBuildPtr builder(OSSL_PARAM_BLD_new());
  if (!builder) {
    throw_openssl_failure("OSSL_PARAM_BLD_new failed");
  }
  const bool pushed =
      OSSL_PARAM_BLD_push_utf8_string(builder.get(), OSSL_PKEY_PARAM_GROUP_NAME, "prime256v1", 0) &&
      OSSL_PARAM_BLD_push_octet_string(builder.get(), OSSL_PKEY_PARAM_PUB_KEY, point.data(),
                                       point.size());
  if (!pushed) {
    throw_openssl_failure("cannot build EC key parameters");
  }
  std::vector<BignumPtr> keep_alive;
  if (has_private) {
    push_bignum(builder.get(), OSSL_PKEY_PARAM_PRIV_KEY, numbers.d, keep_alive);
  }
  const int selection = has_private ? EVP_PKEY_KEYPAIR : EVP_PKEY_PUBLIC_KEY;
  return adopt_checked_pkey(pkey_from_params("EC", selection, builder.get()), has_private);
}

}  // namespace mcph::jose::detail
