#pragma once
// Private: RAII owners for OpenSSL objects and the text of OpenSSL's error queue.
#include <openssl/bio.h>
#include <openssl/bn.h>
#include <openssl/ec.h>
#include <openssl/evp.h>
#include <openssl/param_build.h>

#include <memory>
#include <string>
#include <string_view>

#include "mcph/jose/error.h"
#include "mcph/openssl/owned.h"

namespace mcph::jose::detail {

using PkeyPtr = std::unique_ptr<EVP_PKEY, openssl::Free<EVP_PKEY_free>>;
using PkeyCtxPtr = std::unique_ptr<EVP_PKEY_CTX, openssl::Free<EVP_PKEY_CTX_free>>;
using MdCtxPtr = std::unique_ptr<EVP_MD_CTX, openssl::Free<EVP_MD_CTX_free>>;
using MacCtxPtr = std::unique_ptr<EVP_MAC_CTX, openssl::Free<EVP_MAC_CTX_free>>;
using BioPtr = std::unique_ptr<BIO, openssl::Free<BIO_free_all>>;
using BignumPtr = std::unique_ptr<BIGNUM, openssl::Free<BN_clear_free>>;
using ParamBuildPtr = std::unique_ptr<OSSL_PARAM_BLD, openssl::Free<OSSL_PARAM_BLD_free>>;
using ParamsPtr = std::unique_ptr<OSSL_PARAM, openssl::Free<OSSL_PARAM_free>>;
using EcdsaSigPtr = std::unique_ptr<ECDSA_SIG, openssl::Free<ECDSA_SIG_free>>;

// Drains OpenSSL's (thread-local) error queue and answers its reasons, "; "-separated, or
// "no detail from OpenSSL". Draining matters: a stale entry would be blamed on the next caller.
std::string take_openssl_errors();

// For failures caused by the input (a bad key, a bad PEM): JoseError(malformed).
[[noreturn]] void throw_malformed_openssl(std::string_view what);
// For failures that are not the caller's input (allocation, a missing provider).
[[noreturn]] void throw_openssl_failure(std::string_view what);

// SHA-256 fetched once from the default provider; implicit fetches per call cost time.
const EVP_MD* sha256();

// BIGNUM <-> unsigned big-endian bytes. bignum_bytes(…, 0) gives the minimal length.
BignumPtr bignum_from_bytes(std::string_view bytes);
std::string bignum_bytes(const BIGNUM* number, std::size_t fixed_length = 0);

std::string_view bytes_view(const unsigned char* data, std::size_t size);
const unsigned char* unsigned_data(std::string_view bytes);

}  // namespace mcph::jose::detail
